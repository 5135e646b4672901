/**
 * The gate's per-packet protocol cost, outgoing and incoming, for the small packets a game sends
 * (a reply of 40, 100 and 200 bytes of payload: one message per packet, as most replies go out).
 *
 * Outgoing, ours: `SecureChannel.queue` + `flush` (the message prepared, written into the packet's
 * one buffer, sealed in place). Baseline in the same run: the chain it replaced, encodeMessage →
 * encodeBatch → seal → a fourth array for header and ciphertext. Incoming: open + decodeBatch.
 * The AEAD alone: node:crypto (OpenSSL, a cipher object per packet) against @noble/ciphers' pure
 * JavaScript ChaCha20-Poly1305 sealing the same buffer in place; the gate keeps the faster.
 *
 * Figures are µs of this process's CPU time per packet (process.cpuUsage), so that a machine
 * shared with other work slows both sides of a ratio alike.
 */
import { CipherState } from '../engine/protocol/cipher-state.js';
import { MESSAGE_KIND, PACKET, PACKET_HEADER_BYTES } from '../engine/protocol/constants.js';
import { TAG_BYTES, type CryptoSuite } from '../engine/protocol/crypto-suite.js';
import { decodeBatch } from '../engine/protocol/message-decoder.js';
import { encodeBatch, encodeMessage, type MessageEncoding } from '../engine/protocol/message-encoder.js';
import { nobleCryptoSuite } from '../engine/protocol/noble-crypto-suite.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import { packetHeader } from '../engine/protocol/packet-encoder.js';
import { EMPTY_DICTIONARY } from '../engine/protocol/route-dictionary.js';
import { SecureChannel } from '../engine/protocol/secure-channel.js';
import type { Benchmark, BenchReport, Comparison, Figure } from './lib/benchmark.js';

const SIZES = [40, 100, 200];
const ROUNDS = 5;
const ROUND_MS = 100;
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const encoding: MessageEncoding = { dictionary: EMPTY_DICTIONARY, compression: undefined, compressThreshold: 1024, maxMessageBytes: 65_536 };

/** µs of CPU per call of `op`: the best of {@link ROUNDS} rounds of about {@link ROUND_MS} each. */
function cpuMicros(op: () => void): number {
  for (let i = 0; i < 2_000; i++) op();
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.cpuUsage();
    const wall = performance.now();
    let n = 0;
    while (performance.now() - wall < ROUND_MS) {
      for (let i = 0; i < 200; i++) op();
      n += 200;
    }
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / n);
  }
  return best;
}

const us = (value: number): Figure => ({ value, unit: 'µs/packet', better: 'lower' });
let sink = 0;

function outgoing(size: number): { ours: number; chain: number } {
  const payload = new Uint8Array(size).fill(5);
  const message = { kind: MESSAGE_KIND.RESPONSE, id: 1234, payload } as const;
  const channel = new SecureChannel({ send: new CipherState(nodeCryptoSuite.aead(KEY)), recv: new CipherState(nodeCryptoSuite.aead(KEY)), encoding, maxPacketBytes: 65_600 }, (p) => (sink += p.length));
  const send = new CipherState(nodeCryptoSuite.aead(KEY));
  return {
    ours: cpuMicros(() => {
      channel.queue(message);
      channel.flush();
    }),
    chain: cpuMicros(() => {
      const plaintext = encodeBatch([encodeMessage(message, encoding)]);
      const header = packetHeader(PACKET.DATA, plaintext.length + TAG_BYTES);
      const sealed = send.encrypt(header, plaintext);
      const out = new Uint8Array(PACKET_HEADER_BYTES + sealed.length);
      out.set(header, 0);
      out.set(sealed, PACKET_HEADER_BYTES);
      sink += out.length;
    }),
  };
}

function incoming(size: number): number {
  const plaintext = encodeBatch([encodeMessage({ kind: MESSAGE_KIND.REQUEST, id: 1234, route: 'Echo.echo', payload: new Uint8Array(size).fill(5) }, encoding)]);
  const header = packetHeader(PACKET.DATA, plaintext.length + TAG_BYTES);
  const aead = nodeCryptoSuite.aead(KEY);
  const nonce = new Uint8Array(12);
  const body = aead.seal(nonce, header, plaintext);
  return cpuMicros(() => decodeBatch(aead.open(nonce, header, body)!, encoding, (m) => (sink += m.payload.length)));
}

function sealInPlace(suite: CryptoSuite, size: number): number {
  const aead = suite.aead(KEY);
  const nonce = new Uint8Array(12);
  const packet = new Uint8Array(PACKET_HEADER_BYTES + size + TAG_BYTES);
  return cpuMicros(() => aead.sealInPlace(nonce, packet.subarray(0, PACKET_HEADER_BYTES), packet, PACKET_HEADER_BYTES, PACKET_HEADER_BYTES + size));
}

function open(suite: CryptoSuite, size: number): number {
  const aead = suite.aead(KEY);
  const nonce = new Uint8Array(12);
  const header = new Uint8Array(PACKET_HEADER_BYTES);
  const body = aead.seal(nonce, header, new Uint8Array(size));
  return cpuMicros(() => (sink += aead.open(nonce, header, body)!.length));
}

const bench: Benchmark = {
  name: 'protocol',
  description: 'client<->gate packets: one buffer per packet against the encode/batch/seal chain; node:crypto against pure-JS AEAD',
  async run(): Promise<BenchReport> {
    const figures: Record<string, Figure> = {};
    const baseline: Record<string, Figure> = {};
    const compare: Comparison[] = [];
    for (const size of SIZES) {
      const { ours, chain } = outgoing(size);
      figures[`send ${size}B`] = us(ours);
      baseline[`encode-batch-seal chain ${size}B`] = us(chain);
      compare.push({ ours: `send ${size}B`, baseline: `encode-batch-seal chain ${size}B` });
      figures[`receive ${size}B`] = us(incoming(size));
      figures[`node:crypto seal ${size}B`] = us(sealInPlace(nodeCryptoSuite, size));
      baseline[`noble seal ${size}B`] = us(sealInPlace(nobleCryptoSuite, size));
      compare.push({ ours: `node:crypto seal ${size}B`, baseline: `noble seal ${size}B` });
      figures[`node:crypto open ${size}B`] = us(open(nodeCryptoSuite, size));
      baseline[`noble open ${size}B`] = us(open(nobleCryptoSuite, size));
      compare.push({ ours: `node:crypto open ${size}B`, baseline: `noble open ${size}B` });
    }
    return { figures, baseline, compare, params: { rounds: ROUNDS, roundMs: ROUND_MS, checksum: sink % 1000 } };
  },
};

export default bench;
