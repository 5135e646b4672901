/**
 * How soon a KCP peer acks and answers a message that arrives after an idle spell, over real UDP
 * on loopback. A prober in this process speaks raw KCP segments to an echo peer in another
 * process: every `gapMs` it sends one message (a PUSH of 64 bytes) and times the ACK of that
 * segment and the echoed PUSH; it acks the peer's pushes at once, so that the peer goes idle
 * between messages. Peers: ours (ack-echo-peer.ts, after the session handshake) and the
 * reference C library (reference-c/ack-echo.c, on a fixed conversation). The floor: a plain Node
 * UDP echo in another process, timed the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { CONTROL, NONCE_BYTES, decodeControl, encodeControl, isControl } from '../../engine/net/kcp/control.js';
import { KCP_CMD, KCP_HEADER_BYTES, readSegmentHeader, writeSegmentHeader, type SegmentHeader } from '../../engine/net/kcp/segment.js';

/** The conversation the C peer runs (reference-c/ack-echo.c). */
const REFERENCE_CONV = 0x4b435031;
const MESSAGE_BYTES = 64;
const SAMPLE_TIMEOUT_MS = 2_000;

/** Delays in ms, one per message: to the ACK of its segment and to its echo. */
export interface AckDelays {
  ack: number[];
  answer: number[];
}

/** A peer to probe: a command printing its UDP port, and whether it needs our handshake. */
export interface EchoPeer {
  command: string;
  args: string[];
  handshake: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function start(peer: EchoPeer): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(peer.command, peer.args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`echo peer exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { child, port: Number(line) };
}

/** Runs the session handshake (HELLO, COOKIE, CONNECT, ACCEPT) and returns the conv. */
async function handshake(socket: Socket, port: number): Promise<number> {
  const nonce = randomBytes(NONCE_BYTES);
  const answer = (type: number): Promise<ReturnType<typeof decodeControl>> =>
    new Promise((resolve) => {
      const on = (datagram: Buffer): void => {
        const message = decodeControl(datagram);
        if (typeof message !== 'string' && message.type === type) {
          socket.off('message', on);
          resolve(message);
        }
      };
      socket.on('message', on);
    });
  const cookie = answer(CONTROL.COOKIE);
  socket.send(encodeControl({ type: CONTROL.HELLO, nonce }), port, '127.0.0.1');
  const got = await cookie;
  if (typeof got === 'string' || got.type !== CONTROL.COOKIE) throw new Error('no cookie');
  const accept = answer(CONTROL.ACCEPT);
  socket.send(encodeControl({ type: CONTROL.CONNECT, nonce, cookie: got.cookie }), port, '127.0.0.1');
  const accepted = await accept;
  if (typeof accepted === 'string' || accepted.type !== CONTROL.ACCEPT) throw new Error('no accept');
  return accepted.conv;
}

function segment(h: SegmentHeader, payload?: Uint8Array): Buffer {
  const datagram = Buffer.alloc(KCP_HEADER_BYTES + h.len);
  writeSegmentHeader(new DataView(datagram.buffer, datagram.byteOffset, datagram.length), 0, h);
  if (payload) datagram.set(payload, KCP_HEADER_BYTES);
  return datagram;
}

/** Sends `samples` messages `gapMs` apart to `peer` and times each one's ACK and echo. */
export async function ackDelays(peer: EchoPeer, samples: number, gapMs: number): Promise<AckDelays> {
  const { child, port } = await start(peer);
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const conv = peer.handshake ? await handshake(socket, port) : REFERENCE_CONV;
    const delays: AckDelays = { ack: [], answer: [] };
    const clock0 = performance.now();
    const ts = (): number => Math.floor(performance.now() - clock0) >>> 0;
    let peerNext = 0; // the next sn expected from the peer: our una
    let current = -1;
    let sentAt = 0;
    let ackAt = 0;
    let answerAt = 0;
    let settle: () => void = () => {};
    const h: SegmentHeader = { conv: 0, cmd: 0, frg: 0, wnd: 0, ts: 0, sn: 0, una: 0, len: 0 };
    socket.on('message', (datagram) => {
      if (isControl(datagram)) return;
      const at = performance.now();
      const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.length);
      for (let offset = 0; offset + KCP_HEADER_BYTES <= datagram.length; offset += KCP_HEADER_BYTES + h.len) {
        readSegmentHeader(view, offset, h);
        if (h.conv !== conv) return;
        if (h.cmd === KCP_CMD.ACK && h.sn === current && ackAt === 0) ackAt = at;
        if (h.cmd === KCP_CMD.PUSH) {
          if (h.sn === peerNext) peerNext++;
          if (h.sn === current && answerAt === 0) answerAt = at;
          socket.send(segment({ conv, cmd: KCP_CMD.ACK, frg: 0, wnd: 128, ts: h.ts, sn: h.sn, una: peerNext, len: 0 }), port, '127.0.0.1');
        }
      }
      if (ackAt && answerAt) settle();
    });
    const payload = new Uint8Array(MESSAGE_BYTES).fill(0x2a);
    for (let sn = 0; sn < samples; sn++) {
      await sleep(gapMs);
      current = sn;
      ackAt = answerAt = 0;
      const done = new Promise<void>((resolve) => (settle = resolve));
      sentAt = performance.now();
      socket.send(segment({ conv, cmd: KCP_CMD.PUSH, frg: 0, wnd: 128, ts: ts(), sn, una: peerNext, len: MESSAGE_BYTES }, payload), port, '127.0.0.1');
      await Promise.race([done, sleep(SAMPLE_TIMEOUT_MS)]);
      if (!ackAt || !answerAt) throw new Error(`message ${sn}: no ack or echo within ${SAMPLE_TIMEOUT_MS} ms`);
      delays.ack.push(ackAt - sentAt);
      delays.answer.push(answerAt - sentAt);
    }
    return delays;
  } finally {
    socket.close();
    child.stdin!.end();
    child.kill();
  }
}

/** The `q` quantile of `values` (nearest rank). */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

// A plain UDP echo that answers at the end of the turn, as a KCP session flushes.
const RAW_ECHO = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (m, r) => setImmediate(() => s.send(m, r.port, r.address)));
s.bind(0, '127.0.0.1', () => console.log(s.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));`;

/** Round trips in ms of `samples` datagrams `gapMs` apart through a plain Node UDP echo process. */
export async function rawEchoDelays(samples: number, gapMs: number): Promise<number[]> {
  const { child, port } = await start({ command: process.execPath, args: ['-e', RAW_ECHO], handshake: false });
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const delays: number[] = [];
    const datagram = Buffer.alloc(KCP_HEADER_BYTES + MESSAGE_BYTES);
    for (let i = 0; i < samples; i++) {
      await sleep(gapMs);
      const sentAt = performance.now();
      const back = new Promise<void>((resolve) => socket.once('message', () => resolve()));
      socket.send(datagram, port, '127.0.0.1');
      await Promise.race([back, sleep(SAMPLE_TIMEOUT_MS)]);
      delays.push(performance.now() - sentAt);
    }
    return delays;
  } finally {
    socket.close();
    child.stdin!.end();
    child.kill();
  }
}
