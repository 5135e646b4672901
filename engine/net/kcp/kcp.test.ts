import { describe, expect, it } from 'vitest';
import { KcpError } from './errors.js';
import { Kcp } from './kcp.js';
import { KCP_PRESETS, type KcpOptions } from './kcp-options.js';
import { segmentsOf } from './fixtures/segments-of.js';
import { KCP_CMD, KCP_HEADER_BYTES, readSegmentHeader, writeSegmentHeader } from './segment.js';

/** Two endpoints wired back to back through arrays; `deliver` moves what each sent to the other. */
function pair(options: Partial<KcpOptions> = {}) {
  const toB: Uint8Array[] = [];
  const toA: Uint8Array[] = [];
  const a = new Kcp({ conv: 7, output: (d) => toB.push(d), ...options });
  const b = new Kcp({ conv: 7, output: (d) => toA.push(d), ...options });
  let now = 0;
  /** Advances time; `drop` decides per datagram whether it is lost (`toB`: sent by a). */
  const step = (ms = 10, drop: (d: Uint8Array, toB: boolean) => boolean = () => false): void => {
    now += ms;
    a.update(now);
    b.update(now);
    for (const d of toB.splice(0)) if (!drop(d, true)) b.input(d);
    for (const d of toA.splice(0)) if (!drop(d, false)) a.input(d);
  };
  return { a, b, toA, toB, step, now: () => now };
}

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function drain(k: Kcp): Uint8Array[] {
  const got: Uint8Array[] = [];
  for (let m = k.recv(); m; m = k.recv()) got.push(m);
  return got;
}

describe('Kcp', () => {
  it('delivers messages whole and in order, fragmenting those larger than a segment', () => {
    const { a, b, step } = pair(KCP_PRESETS.fast);
    const sent = [bytes(1), bytes(a.mss), bytes(a.mss + 1), bytes(a.mss * 10 + 7), bytes(3)];
    for (const m of sent) a.send(m);
    const got: Uint8Array[] = [];
    for (let i = 0; i < 100 && got.length < sent.length; i++) {
      step();
      got.push(...drain(b));
    }
    expect(got).toEqual(sent);
  });

  it('takes a message at the fragment limit and refuses one byte more with KCP_ERR_MESSAGE_TOO_LARGE', () => {
    const { a, b, step } = pair({ ...KCP_PRESETS.fast, sendWindow: 256, receiveWindow: 256 });
    expect(a.maxMessageBytes).toBe(a.mss * 255);
    const limit = bytes(a.maxMessageBytes);
    a.send(limit);
    expect(() => a.send(bytes(a.maxMessageBytes + 1))).toThrow(expect.objectContaining({ code: 'KCP_ERR_MESSAGE_TOO_LARGE', wireCode: 3002 }));
    let got: Uint8Array[] = [];
    for (let i = 0; i < 200 && got.length === 0; i++) {
      step();
      got = drain(b);
    }
    expect(got).toEqual([limit]);
  });

  it('limits messages to a receive window of fragments', () => {
    const k = new Kcp({ conv: 1, output: () => {}, receiveWindow: 16 });
    expect(k.maxMessageBytes).toBe(k.mss * 15);
  });

  it('refuses an empty message and a full send queue with coded errors', () => {
    const k = new Kcp({ conv: 1, output: () => {}, sendQueueLimit: 4 });
    expect(() => k.send(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'KCP_ERR_EMPTY_MESSAGE', wireCode: 3001 }));
    k.send(bytes(k.mss * 3));
    expect(() => k.send(bytes(k.mss * 2))).toThrow(expect.objectContaining({ code: 'KCP_ERR_SEND_QUEUE_FULL', wireCode: 3003 }));
    k.send(bytes(10));
    expect(k.waitingToSend).toBe(4);
  });
  it('counts the bytes not yet acked, queued or in flight, and stops counting them once acked', () => {
    const { a, b, step } = pair({ ...KCP_PRESETS.fast, sendWindow: 4 });
    for (let i = 0; i < 10; i++) a.send(bytes(a.mss + 100, i));
    expect(a.waitingBytes).toBe(10 * (a.mss + 100));
    // The other side's acks are withheld: what entered flight stays counted beside the queue.
    for (let i = 0; i < 20; i++) step(10, (_, toB) => !toB);
    expect(a.waitingBytes).toBe(10 * (a.mss + 100));
    for (let i = 0; i < 200 && a.waitingBytes > 0; i++) {
      step();
      drain(b);
    }
    expect(a.waitingBytes).toBe(0);
    expect(a.waitingToSend).toBe(0);
  });


  it('copies what it is given: changing the buffer after send changes nothing', () => {
    const { a, b, step } = pair(KCP_PRESETS.fast);
    const message = bytes(100);
    a.send(message);
    message.fill(0);
    let got: Uint8Array[] = [];
    for (let i = 0; i < 20 && got.length === 0; i++) {
      step();
      got = drain(b);
    }
    expect(got).toEqual([bytes(100)]);
  });

  it('recovers lost segments by timeout, and faster with fast resend', () => {
    for (const preset of [{}, KCP_PRESETS.fast]) {
      const { a, b, step } = pair({ ...preset, mtu: 100 });
      for (let i = 0; i < 20; i++) a.send(bytes(50, i));
      let n = 0;
      const got: Uint8Array[] = [];
      // Every third datagram from a is lost (one segment each, with this MTU).
      for (let i = 0; i < 2_000 && got.length < 20; i++) {
        step(10, (_, toB) => toB && ++n % 3 === 0);
        got.push(...drain(b));
      }
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => bytes(50, i)));
      expect(a.stats.timeoutResends + a.stats.fastResends).toBeGreaterThan(0);
    }
  });

  it('stalls while the receiver does not read, probes the zero window, and recovers once it reads', () => {
    const { a, b, step } = pair({ ...KCP_PRESETS.fast, sendWindow: 32, receiveWindow: 32 });
    for (let i = 0; i < 200; i++) a.send(bytes(20, i));
    for (let i = 0; i < 100; i++) step(); // b reads nothing: its window fills up
    expect(a.waitingToSend).toBeGreaterThan(100);
    for (let i = 0; i < 1_000; i++) step(10); // long enough for window probes (7 s, then longer)
    const got: Uint8Array[] = [];
    for (let i = 0; i < 3_000 && got.length < 200; i++) {
      got.push(...drain(b));
      step(10);
    }
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => bytes(20, i)));
  });

  it('declares the link dead after deadLink transmissions of one segment, and refuses sends then', () => {
    const { a, step } = pair({ ...KCP_PRESETS.fast, deadLink: 5 });
    a.send(bytes(10));
    for (let i = 0; i < 1_000 && !a.dead; i++) step(10, () => true);
    expect(a.dead).toBe(true);
    expect(() => a.send(bytes(1))).toThrow(expect.objectContaining({ code: 'KCP_ERR_DEAD_LINK', wireCode: 3004 }));
  });

  it('drops and counts malformed, foreign and out-of-window input without throwing', () => {
    const k = new Kcp({ conv: 9, output: () => {} });
    const segment = (fields: Partial<Record<'conv' | 'cmd' | 'frg' | 'wnd' | 'ts' | 'sn' | 'una' | 'len', number>>, payload = 0): Uint8Array => {
      const out = new Uint8Array(KCP_HEADER_BYTES + payload);
      writeSegmentHeader(new DataView(out.buffer), 0, { conv: 9, cmd: 81, frg: 0, wnd: 32, ts: 0, sn: 0, una: 0, len: payload, ...fields });
      return out;
    };
    k.input(new Uint8Array(10));
    k.input(segment({ conv: 8 }));
    k.input(segment({ len: 100 }, 5));
    k.input(segment({ cmd: 99 }));
    k.input(segment({ una: 1_000 }));
    k.input(segment({ sn: 1_000_000 }, 1));
    expect(k.stats.dropped).toMatchObject({ short: 1, conv: 1, length: 1, command: 1, una: 1, window: 1 });
    let seed = 3;
    for (let i = 0; i < 10_000; i++) {
      const garbage = new Uint8Array(1 + (i % 200)).map(() => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) & 0xff);
      k.input(garbage);
    }
    expect(k.recv()).toBeUndefined();
  });

  it('drops a message whose fragment numbers do not count down, and delivers the next one', () => {
    const k = new Kcp({ conv: 3, output: () => {} });
    const push = (sn: number, frg: number, byte: number): Uint8Array => {
      const out = new Uint8Array(KCP_HEADER_BYTES + 1);
      writeSegmentHeader(new DataView(out.buffer), 0, { conv: 3, cmd: 81, frg, wnd: 32, ts: 0, sn, una: 0, len: 1 });
      out[KCP_HEADER_BYTES] = byte;
      return out;
    };
    k.update(0);
    k.input(push(0, 2, 1));
    k.input(push(1, 0, 2)); // should have been 1
    k.input(push(2, 0, 3));
    expect(drain(k)).toEqual([new Uint8Array([2]), new Uint8Array([3])]);
    expect(k.stats.dropped.fragments).toBe(1);
  });

  it('packs several segments into one datagram up to the MTU', () => {
    const out: Uint8Array[] = [];
    const k = new Kcp({ conv: 1, output: (d) => out.push(d), mtu: 200, ...KCP_PRESETS.fast });
    for (let i = 0; i < 6; i++) k.send(bytes(50, i));
    k.update(0);
    const segmentsIn = (d: Uint8Array): number => {
      let n = 0;
      const view = new DataView(d.buffer, d.byteOffset, d.length);
      const h = { conv: 0, cmd: 0, frg: 0, wnd: 0, ts: 0, sn: 0, una: 0, len: 0 };
      for (let at = 0; at < d.length; at += KCP_HEADER_BYTES + h.len, n++) readSegmentHeader(view, at, h);
      return n;
    };
    expect(out.every((d) => d.length <= 200)).toBe(true);
    expect(out.map(segmentsIn).reduce((x, y) => x + y)).toBe(6);
    expect(out.length).toBeLessThan(6);
  });

  it('names the time of the next update: now when a flush is due, the next flush, or never while idle', () => {
    const k = new Kcp({ conv: 1, output: () => {}, intervalMs: 50 });
    expect(k.check(1_000)).toBe(1_000);
    k.update(1_000);
    expect(k.idle).toBe(true);
    expect(k.check(1_000)).toBe(Infinity);
    k.send(bytes(10));
    expect(k.check(1_000)).toBe(1_050);
    expect(k.check(1_050)).toBe(1_050);
  });

  it('after an idle spell, acks and answers input at once with advance and flushNow, where update would hold them an interval', () => {
    const options = { ...KCP_PRESETS.normal, conv: 7 };
    const sent: Uint8Array[] = [];
    const a = new Kcp({ ...options, output: (d) => sent.push(d) });
    const held: Uint8Array[] = [];
    const b = new Kcp({ ...options, output: (d) => held.push(d) });
    const prompt: Uint8Array[] = [];
    const c = new Kcp({ ...options, output: (d) => prompt.push(d) });
    a.update(0);
    b.update(0);
    c.update(0);
    // Idle for ten seconds, then a message: b runs the flush clock before input (the old way), c
    // advances its clock, takes the input, answers, and flushes at the end of the turn.
    a.send(bytes(10));
    a.update(10_000);
    const datagram = sent[0]!;
    b.update(10_000);
    b.input(datagram);
    b.send(bytes(3));
    expect(held).toEqual([]);
    expect(b.check(10_000)).toBe(10_000 + options.intervalMs);
    c.advance(10_000);
    c.input(datagram);
    expect(drain(c)).toEqual([bytes(10)]);
    c.send(bytes(3));
    c.flushNow(10_000);
    expect(prompt).toHaveLength(1);
    expect(segmentsOf(prompt[0]!).map((h) => [h.cmd, h.sn, h.len])).toEqual([
      [KCP_CMD.ACK, 0, 0],
      [KCP_CMD.PUSH, 0, 3],
    ]);
    // The flush period starts over from the prompt flush.
    expect(c.check(10_000)).toBe(10_000 + options.intervalMs);
  });

  it('refuses settings out of range as programmer errors', () => {
    expect(() => new Kcp({ conv: -1, output: () => {} })).toThrow(RangeError);
    expect(() => new Kcp({ conv: 1, output: () => {}, mtu: 10 })).toThrow(RangeError);
    expect(() => new Kcp({ conv: 1, output: () => {}, receiveWindow: 1 })).toThrow(RangeError);
  });

  it('reports KcpError as an Error with its code', () => {
    expect(new KcpError('KCP_ERR_EMPTY_MESSAGE', 'x')).toBeInstanceOf(Error);
  });
});
