import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../testing/memory-logger.js';
import { ManualClock } from '../../timer/clock.js';
import { TimerService } from '../../timer/timer-service.js';
import { createLinkPair, type LinkPair } from '../emulator/link-pair.js';
import { CLOSE_REASON, CONTROL, encodeControl, isControl } from './control.js';
import { segmentsOf } from './fixtures/segments-of.js';
import { KcpClient } from './kcp-client.js';
import { KCP_PRESETS } from './kcp-options.js';
import { KcpServer, type KcpServerOptions } from './kcp-server.js';
import type { KcpSession } from './kcp-session.js';
import { KCP_CMD } from './segment.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/**
 * A server and clients on an emulated network, on one manual clock. A turn is one millisecond of
 * `run`: its timers, then the datagrams that arrive in it, then the flushes asked for meanwhile.
 */
function network(serverOptions: Partial<KcpServerOptions> = {}, link = { lossRate: 0.05, latencyMs: 10, jitterMs: 5 }) {
  const clock = new ManualClock();
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  const turnEnds: (() => void)[] = [];
  const endOfTurn = (callback: () => void): void => void turnEnds.push(callback);
  const endTurn = (): void => {
    for (let callback = turnEnds.shift(); callback; callback = turnEnds.shift()) callback();
  };
  const links = new Map<string, LinkPair>();
  const clients = new Map<string, KcpClient>();
  const serverBytes = { in: 0, out: 0 };
  // What the server sent and took, with the time of the turn.
  const serverSent: { at: number; datagram: Uint8Array }[] = [];
  const serverTook: { at: number; datagram: Uint8Array }[] = [];
  const sessions: KcpSession[] = [];
  const server = new KcpServer({
    clock,
    timers,
    logger: new MemoryLogger(),
    kcp: KCP_PRESETS.fast,
    endOfTurn,
    send: (datagram, address) => {
      serverBytes.out += datagram.length;
      serverSent.push({ at: clock.now(), datagram });
      links.get(address)?.bToA.send(datagram, clock.now());
    },
    onSession: (session) => {
      sessions.push(session);
      session.onMessage = (message) => session.send(encode(`echo ${decode(message)}`));
    },
    ...serverOptions,
  });
  let seed = 1;
  const addClient = (address: string): KcpClient => {
    const pair = createLinkPair({ seed: seed++, ...link });
    links.set(address, pair);
    const client = new KcpClient({
      clock,
      timers,
      kcp: KCP_PRESETS.fast,
      endOfTurn,
      ...(serverOptions.liveness ? { liveness: serverOptions.liveness } : {}),
      send: (datagram) => pair.aToB.send(datagram, clock.now()),
    });
    clients.set(address, client);
    return client;
  };
  /** Runs the network for `ms`, a millisecond at a time. */
  const run = (ms: number, drop: (address: string, toServer: boolean) => boolean = () => false): void => {
    for (let i = 0; i < ms; i++) {
      clock.advance(1);
      const now = clock.now();
      for (const [address, pair] of links) {
        for (const d of pair.aToB.receive(now)) {
          if (drop(address, true)) continue;
          serverBytes.in += d.length;
          serverTook.push({ at: now, datagram: d });
          server.receive(d, address);
        }
        for (const d of pair.bToA.receive(now)) if (!drop(address, false)) clients.get(address)?.receive(d);
      }
      endTurn();
    }
  };
  /** Sends a datagram to the server as if from `address`, bypassing any client. */
  const inject = (datagram: Uint8Array, address: string): void => {
    serverBytes.in += datagram.length;
    server.receive(datagram, address);
  };
  return { clock, timers, server, sessions, addClient, run, inject, endTurn, serverBytes, serverSent, serverTook, links };
}

/** Connects a client, running the network (handshake resends included) until it is done. */
async function connected(net: ReturnType<typeof network>, address: string): Promise<KcpClient> {
  const client = net.addClient(address);
  let done = false;
  const session = client.connect().finally(() => (done = true));
  for (let ms = 0; !done && ms < 20_000; ms += 50) {
    net.run(50);
    await Promise.resolve();
  }
  await session;
  return client;
}

describe('KcpServer and KcpClient', () => {
  it('hands a client a session after the cookie handshake and carries messages both ways in order', async () => {
    const net = network();
    const client = await connected(net, '10.0.0.1:4000');
    const got: string[] = [];
    client.session!.onMessage = (m) => got.push(decode(m));
    for (let i = 0; i < 100; i++) client.session!.send(encode(`m${i}`));
    net.run(3_000);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => `echo m${i}`));
    expect(net.server.stats()).toMatchObject({ sessions: 1, accepted: 1, cookiesSent: 1 });
    expect(client.session!.stats().datagramsIn).toBeGreaterThan(0);
  });

  it('serves many clients from one server, each on its own conversation', async () => {
    const net = network();
    const clients: KcpClient[] = [];
    for (let i = 0; i < 50; i++) clients.push(await connected(net, `10.0.1.${i}:5000`));
    const got = clients.map(() => [] as string[]);
    clients.forEach((client, i) => {
      client.session!.onMessage = (m) => got[i]!.push(decode(m));
      client.session!.send(encode(`from ${i}`));
    });
    net.run(2_000);
    expect(got).toEqual(clients.map((_, i) => [`echo from ${i}`]));
    expect(new Set(clients.map((c) => c.session!.conv)).size).toBe(50);
    expect(net.server.stats().sessions).toBe(50);
  });

  it('acks and answers each message in the turn it arrives: after an idle spell, and between flush periods', async () => {
    const net = network({}, { lossRate: 0, latencyMs: 5, jitterMs: 0 });
    const client = await connected(net, '10.0.0.60:1');
    const got: string[] = [];
    client.session!.onMessage = (m) => got.push(decode(m));
    net.run(3_000);
    net.serverSent.length = 0;
    net.serverTook.length = 0;
    // One message after the idle spell, then one every 3 ms: most land between two 10 ms flushes.
    for (let i = 0; i < 6; i++) {
      client.session!.send(encode(`ping ${i}`));
      net.run(3);
    }
    net.run(30);
    expect(got).toEqual(Array.from({ length: 6 }, (_, i) => `echo ping ${i}`));
    const pushes = net.serverTook.filter((t) => !isControl(t.datagram) && segmentsOf(t.datagram).some((h) => h.cmd === KCP_CMD.PUSH));
    expect(pushes).toHaveLength(6);
    for (const push of pushes) {
      const answered = net.serverSent.filter((s) => s.at === push.at);
      expect(answered).toHaveLength(1);
      expect(segmentsOf(answered[0]!.datagram).map((h) => h.cmd)).toEqual([KCP_CMD.ACK, KCP_CMD.PUSH]);
    }
  });

  it('flushes a session once for a turn that brings it many datagrams: one datagram of acks for all', async () => {
    const net = network({}, { lossRate: 0, latencyMs: 5, jitterMs: 0 });
    const client = await connected(net, '10.0.0.61:1');
    net.sessions[0]!.onMessage = () => {};
    net.run(3_000);
    net.serverSent.length = 0;
    net.serverTook.length = 0;
    // Five segments leave the client in one flush and reach the server in one turn.
    client.session!.send(new Uint8Array(5 * 1_300).fill(1));
    net.run(30);
    const took = net.serverTook.filter((t) => !isControl(t.datagram));
    expect(took).toHaveLength(5);
    expect(new Set(took.map((t) => t.at)).size).toBe(1);
    const answered = net.serverSent.filter((s) => s.at === took[0]!.at);
    expect(answered).toHaveLength(1);
    expect(segmentsOf(answered[0]!.datagram).map((h) => h.cmd)).toEqual(Array(5).fill(KCP_CMD.ACK));
  });

  it('keeps nothing for a client that never echoes its cookie, and never answers with more bytes than it got', () => {
    const net = network();
    for (let i = 0; i < 1_000; i++) net.inject(encodeControl({ type: CONTROL.HELLO, nonce: new Uint8Array(8).fill(i & 0xff) }), `203.0.113.${i % 250}:${1000 + i}`);
    net.run(10);
    expect(net.server.stats()).toMatchObject({ sessions: 0, cookiesSent: 1_000 });
    expect(net.serverBytes.out).toBeLessThan(net.serverBytes.in);
  });

  it('refuses a CONNECT with a forged or replayed cookie, silently', async () => {
    const net = network();
    const nonce = new Uint8Array(8).fill(1);
    net.inject(encodeControl({ type: CONTROL.CONNECT, nonce, cookie: new Uint8Array(20).fill(7) }), '198.51.100.1:9');
    expect(net.server.stats()).toMatchObject({ sessions: 0, badCookies: 1 });
    // A real client's cookie is bound to its address: replayed from elsewhere it is worthless.
    const client = await connected(net, '10.0.0.2:4000');
    expect(client.session).toBeDefined();
    const outBefore = net.serverBytes.out;
    net.inject(encodeControl({ type: CONTROL.CONNECT, nonce, cookie: new Uint8Array(20) }), '10.0.0.3:4000');
    expect(net.server.stats().badCookies).toBe(2);
    expect(net.serverBytes.out).toBe(outBefore);
  });

  it('drops KCP datagrams for a conversation that come from another address', async () => {
    const net = network();
    const client = await connected(net, '10.0.0.4:4000');
    const forged = new Uint8Array(24);
    new DataView(forged.buffer).setUint32(0, client.session!.conv, true);
    forged[4] = 81;
    net.inject(forged, '10.6.6.6:1');
    net.inject(encodeControl({ type: CONTROL.CLOSE, conv: client.session!.conv, reason: 0 }), '10.6.6.6:1');
    expect(net.server.stats()).toMatchObject({ wrongAddress: 2, sessions: 1 });
  });

  it('logs the first dropped datagram and then one line per 10,000, never one per datagram', () => {
    const logger = new MemoryLogger();
    const net = network({ logger });
    for (let i = 0; i < 25_000; i++) net.inject(Uint8Array.from([9, 9, 9, 9, 81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), '192.0.2.1:1');
    expect(net.server.stats().unknownConv).toBe(25_000);
    expect(logger.at('warn').filter((line) => line.message.includes('dropping datagrams'))).toHaveLength(3);
  });

  it('closes both ends with the reason when either side closes, and on server shutdown', async () => {
    const net = network();
    const a = await connected(net, '10.0.0.5:1');
    const b = await connected(net, '10.0.0.6:1');
    const reasons: number[] = [];
    for (const session of net.sessions) session.onClose = (reason) => reasons.push(reason);
    a.close();
    net.run(100);
    expect(reasons).toEqual([CLOSE_REASON.NORMAL]);
    let bClosed: number | undefined;
    b.session!.onClose = (reason) => (bClosed = reason);
    net.server.close();
    net.run(100);
    expect(bClosed).toBe(CLOSE_REASON.SHUTDOWN);
    expect(net.server.stats().sessions).toBe(0);
  });

  it('keeps a quiet session open with keepalives, and closes one whose peer went silent', async () => {
    const net = network({ liveness: { idleTimeoutMs: 3_000, keepaliveIntervalMs: 1_000 } }, { lossRate: 0, latencyMs: 10, jitterMs: 0 });
    const quiet = await connected(net, '10.0.0.7:1');
    const silent = await connected(net, '10.0.0.8:1');
    const reasons = new Map<string, number>();
    for (const session of net.sessions) session.onClose = (reason) => reasons.set(session.address, reason);
    let quietClosed: number | undefined;
    quiet.session!.onClose = (reason) => (quietClosed = reason);
    net.run(10_000, (address, toServer) => address === '10.0.0.8:1' && toServer);
    expect(quietClosed).toBeUndefined();
    expect(reasons.get('10.0.0.8:1')).toBe(CLOSE_REASON.IDLE);
    expect(reasons.has('10.0.0.7:1')).toBe(false);
    expect(quiet.session!.closed).toBe(false);
    expect(silent.session).toBeDefined();
  });

  it('closes a session whose link died: a segment sent too many times without an ack', async () => {
    const net = network({ kcp: { ...KCP_PRESETS.fast, deadLink: 3 }, liveness: { idleTimeoutMs: 60_000 } });
    await connected(net, '10.0.0.9:1');
    const session = net.sessions[0]!;
    let reason: number | undefined;
    session.onClose = (r) => (reason = r);
    session.send(encode('into the void'));
    net.run(5_000, (_, toServer) => !toServer);
    expect(reason).toBe(CLOSE_REASON.DEAD_LINK);
  });

  it("reports resends of live and ended sessions, and each live session's smoothed RTT", async () => {
    const net = network({ kcp: { ...KCP_PRESETS.fast, deadLink: 3 }, liveness: { idleTimeoutMs: 60_000 } });
    await connected(net, '10.0.0.10:1');
    net.sessions[0]!.send(encode('hello'));
    net.run(200);
    const live = net.server.transmission();
    expect(live.srttMs).toHaveLength(1);
    expect(live.srttMs[0]).toBeGreaterThan(0);
    net.sessions[0]!.send(encode('into the void'));
    net.run(5_000, (_, toServer) => !toServer);
    const ended = net.server.transmission();
    expect(ended.srttMs).toHaveLength(0);
    expect(ended.timeoutResends).toBeGreaterThan(live.timeoutResends);
  });

  it('tells a client the server is full', async () => {
    const net = network({ maxSessions: 1 });
    await connected(net, '10.0.0.10:1');
    const late = net.addClient('10.0.0.11:1');
    const attempt = late.connect().catch((err: unknown) => err);
    net.run(3_000);
    expect(await attempt).toMatchObject({ name: 'KcpConnectError', message: expect.stringContaining('full') });
    expect(net.server.stats().full).toBeGreaterThan(0);
  });

  it('asks admit at each CONNECT before a session exists, and answers a refusal as a full server', async () => {
    const asked: string[] = [];
    const net = network({ admit: (address) => (asked.push(address), address !== '10.0.0.21:1') });
    await connected(net, '10.0.0.20:1');
    const refused = net.addClient('10.0.0.21:1');
    const attempt = refused.connect().catch((err: unknown) => err);
    net.run(3_000);
    expect(await attempt).toMatchObject({ name: 'KcpConnectError', message: expect.stringContaining('full') });
    expect(asked).toContain('10.0.0.21:1');
    expect(net.sessions.map((s) => s.address)).toEqual(['10.0.0.20:1']);
    expect(net.server.stats()).toMatchObject({ sessions: 1, accepted: 1 });
    expect(net.server.stats().refused).toBeGreaterThan(0);
  });

  it("reports a session's unacked bytes, growing while the client withholds acks and falling once they come", async () => {
    const net = network({}, { lossRate: 0, latencyMs: 5, jitterMs: 0 });
    const client = await connected(net, '10.0.0.30:1');
    client.session!.onMessage = () => {};
    const session = net.sessions[0]!;
    net.run(100);
    expect(session.bufferedBytes).toBe(0);
    for (let i = 0; i < 50; i++) session.send(new Uint8Array(1_000).fill(i));
    net.run(500, (_, toServer) => toServer);
    expect(session.bufferedBytes).toBe(50_000);
    net.run(2_000);
    expect(session.bufferedBytes).toBe(0);
  });

  describe('a graceful end', () => {
    const quiet = { lossRate: 0, latencyMs: 5, jitterMs: 0 };

    it('delivers the last message, lingers until the client acks it, then sends CLOSE and frees the session', async () => {
      const net = network({}, quiet);
      const client = await connected(net, '10.0.0.40:1');
      const got: string[] = [];
      let clientClosed: number | undefined;
      client.session!.onMessage = (m) => got.push(decode(m));
      client.session!.onClose = (reason) => (clientClosed = reason);
      const session = net.sessions[0]!;
      let serverClosed: number | undefined;
      session.onClose = (reason) => (serverClosed = reason);
      session.send(encode('kicked'));
      session.end(net.clock.now());
      expect(session.lingering).toBe(true);
      expect(serverClosed).toBeUndefined();
      expect(() => session.send(encode('too late'))).toThrow(/closed/);
      net.run(100);
      expect(got).toEqual(['kicked']);
      expect(serverClosed).toBe(CLOSE_REASON.NORMAL);
      expect(clientClosed).toBe(CLOSE_REASON.NORMAL);
      expect(net.server.stats().sessions).toBe(0);
    });

    it('ends the linger at its deadline when the client withholds acks, and drops what the client sends meanwhile', async () => {
      const net = network({ liveness: { lingerMs: 500 } }, quiet);
      const client = await connected(net, '10.0.0.41:1');
      client.session!.onMessage = () => {};
      const session = net.sessions[0]!;
      const delivered: Uint8Array[] = [];
      const datagramsBefore = session.stats().datagramsIn;
      let serverClosed: number | undefined;
      session.onMessage = (m) => delivered.push(m);
      session.onClose = (reason) => (serverClosed = reason);
      client.session!.send(encode('ignored'));
      session.send(encode('unacked'));
      session.end(net.clock.now(), CLOSE_REASON.PROTOCOL);
      // The client's message reaches the server; from then on nothing the client sends does.
      const uplinkCut = (_: string, toServer: boolean): boolean => toServer && session.stats().datagramsIn > datagramsBefore;
      net.run(480, uplinkCut);
      expect(session.lingering).toBe(true);
      expect(session.stats().datagramsIn).toBe(datagramsBefore + 1);
      expect(session.bufferedBytes).toBe(7);
      net.run(100, uplinkCut);
      expect(serverClosed).toBe(CLOSE_REASON.PROTOCOL);
      expect(delivered).toEqual([]);
      expect(net.server.stats().sessions).toBe(0);
    });

    it('delivers nothing more once the owner ends the session from inside onMessage', async () => {
      const net = network({}, quiet);
      const client = await connected(net, '10.0.0.47:1');
      client.session!.onMessage = () => {};
      const session = net.sessions[0]!;
      const delivered: string[] = [];
      session.onMessage = (m) => {
        delivered.push(decode(m));
        session.send(encode('bye'));
        session.end(net.clock.now());
      };
      for (const text of ['first', 'second', 'third']) client.session!.send(encode(text));
      net.run(100);
      expect(delivered).toEqual(['first']);
      expect(session.closed).toBe(true);
    });

    it('never lingers with more than lingerMaxBytes unacked: it drops them and closes at once with BACKLOG', async () => {
      const net = network({ liveness: { lingerMaxBytes: 10_000 } }, quiet);
      const client = await connected(net, '10.0.0.42:1');
      const got: number[] = [];
      client.session!.onMessage = (m) => got.push(m.length);
      let clientClosed: number | undefined;
      client.session!.onClose = (reason) => (clientClosed = reason);
      const session = net.sessions[0]!;
      let serverClosed: number | undefined;
      session.onClose = (reason) => (serverClosed = reason);
      for (let i = 0; i < 11; i++) session.send(new Uint8Array(1_000).fill(i));
      net.run(100, (_, toServer) => toServer);
      expect(session.bufferedBytes).toBe(11_000);
      session.send(encode('kicked'));
      session.end(net.clock.now());
      expect(serverClosed).toBe(CLOSE_REASON.BACKLOG);
      expect(net.server.stats().sessions).toBe(0);
      net.run(100);
      expect(clientClosed).toBe(CLOSE_REASON.BACKLOG);
      // What was in flight arrived; the last message, queued behind it, was dropped.
      expect(got).not.toContain('kicked'.length);
    });

    it('lingers with up to lingerMaxBytes unacked, and closes at once when nothing is', async () => {
      const net = network({ liveness: { lingerMaxBytes: 10_000 } }, quiet);
      await connected(net, '10.0.0.43:1');
      await connected(net, '10.0.0.44:1');
      const [full, idle] = net.sessions as [KcpSession, KcpSession];
      for (let i = 0; i < 10; i++) full.send(new Uint8Array(1_000).fill(i));
      full.end(net.clock.now());
      expect(full.lingering).toBe(true);
      idle.end(net.clock.now());
      expect(idle.closed).toBe(true);
    });

    it('lets every session finish its linger when the server closes, then resolves', async () => {
      const net = network({}, quiet);
      const client = await connected(net, '10.0.0.45:1');
      const got: string[] = [];
      let clientClosed: number | undefined;
      client.session!.onMessage = (m) => got.push(decode(m));
      client.session!.onClose = (reason) => (clientClosed = reason);
      net.sessions[0]!.send(encode('shutting down'));
      let done = false;
      void net.server.close().then(() => (done = true));
      net.run(100);
      await Promise.resolve();
      expect(done).toBe(true);
      expect(got).toEqual(['shutting down']);
      expect(clientClosed).toBe(CLOSE_REASON.SHUTDOWN);
      const late = net.addClient('10.0.0.46:1');
      const attempt = late.connect().catch((err: unknown) => err);
      net.run(11_000);
      expect(await attempt).toMatchObject({ name: 'KcpConnectError' });
      expect(net.server.stats().accepted).toBe(1);
    });
  });

  it('gives up connecting when the server never answers', async () => {
    const net = network();
    const client = net.addClient('10.0.0.12:1');
    const attempt = client.connect().catch((err: unknown) => err);
    net.run(11_000, () => true);
    expect(await attempt).toMatchObject({ name: 'KcpConnectError' });
  });
});
