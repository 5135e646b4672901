/**
 * RPC between two processes on loopback. Figures: calls per second pipelined over one link (a
 * window of calls always in flight), round-trip p50/p99 at fixed offered loads (10%, 50% and 90%
 * of that maximum), and same-process short-circuit calls per second. Baseline in the same run: a
 * raw Node TCP echo of frames of the same size as a call's frame, pipelined with the same window:
 * once as a bare byte pump (the bound of the socket itself), and once with a promise per frame
 * under the same harness as the calls (the bound of any request/response API in Node), with its
 * round trip at the 10% load. The CPU time each process spends per call (this process as the
 * caller, the peer process as the callee) is measured beside the pipelined rates, and the same for
 * the per-frame echo, since on a shared machine CPU per call moves less than calls per second.
 */
import { connect } from 'node:net';
import { FRAME_HEADER_BYTES } from '../engine/codec/frame-decoder.js';
import { DEFAULT_CODEC_LIMITS } from '../engine/codec/limits.js';
import { MsgpackWriter } from '../engine/codec/msgpack-writer.js';
import { KIND } from '../engine/rpc/envelope.js';
import { encodeEnvelope } from '../engine/rpc/envelope-codec.js';
import { parseAddress } from '../engine/rpc/address.js';
import type { Benchmark, BenchReport, Figure } from './lib/benchmark.js';
import { openLoop, percentile, pipelined, rawEchoClient } from './lib/load.js';
import { cpuSeconds } from './lib/proc-cpu.js';
import { startRpcEchoLink } from './lib/rpc-echo-link.js';

const WINDOW = 2_000;
const THROUGHPUT_MS = 3_000;
const LATENCY_MS = 2_000;
const LOADS = [0.1, 0.5, 0.9];
// A typical small game call: one object argument.
const ARG = { item: 'sword', qty: 3, slot: 12 };



/** Raw echo: `window` frames of `size` bytes in flight; returns frames per second. */
async function rawEcho(address: string, size: number, ms: number, window: number): Promise<number> {
  const socket = connect(parseAddress(address));
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + size, 7);
  frame.writeUInt32BE(size, 0);
  const burst = (count: number): Buffer => Buffer.concat(Array.from({ length: count }, () => frame));
  const full = burst(window);
  let received = 0;
  let sent = window;
  let partial = 0;
  const started = performance.now();
  const end = started + ms;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      const bytes = partial + chunk.length;
      const frames = Math.floor(bytes / frame.length);
      partial = bytes % frame.length;
      received += frames;
      if (performance.now() < end) {
        socket.write(frames === window ? full : burst(frames));
        sent += frames;
      } else if (received === sent) {
        resolve();
      }
    });
    socket.write(full);
  });
  socket.destroy();
  return (received * 1000) / (performance.now() - started);
}

const fig = (value: number, unit: string, better: Figure['better']): Figure => ({ value, unit, better });

// CPU seconds a process has used so far; undefined where /proc cannot be read (off Linux).
const processCpuSeconds = (pid: number): Promise<number | undefined> => cpuSeconds(pid).catch(() => undefined);

/** Runs `ops` pipelined; returns its rate and the µs of CPU per operation of this process and of `peerPid`. */
async function measured(peerPid: number, op: () => Promise<unknown>): Promise<{ rate: number; ownUs: number; peerUs: number | undefined }> {
  const own = process.cpuUsage();
  const peerBefore = await processCpuSeconds(peerPid);
  const started = performance.now();
  const rate = await pipelined(THROUGHPUT_MS, WINDOW, op);
  const ops = (rate * (performance.now() - started)) / 1000;
  const used = process.cpuUsage(own);
  const peerAfter = await processCpuSeconds(peerPid);
  return {
    rate,
    ownUs: (used.user + used.system) / ops,
    peerUs: peerBefore === undefined || peerAfter === undefined ? undefined : ((peerAfter - peerBefore) * 1e6) / ops,
  };
}

/** The CPU figures of a {@link measured} run, named with `label`. */
function cpuFigures(into: Record<string, Figure>, label: string, run: { ownUs: number; peerUs: number | undefined }, own: string, peer: string): void {
  into[`${own} CPU per ${label}`] = fig(run.ownUs, 'µs', 'lower');
  if (run.peerUs !== undefined) into[`${peer} CPU per ${label}`] = fig(run.peerUs, 'µs', 'lower');
}

const bench: Benchmark = {
  name: 'rpc',
  description: 'RPC calls between two processes over one loopback link, against a raw TCP frame echo',
  async run(): Promise<BenchReport> {
    const link = await startRpcEchoLink();
    const remote = (): Promise<unknown> => link.call(ARG);
    const local = (): Promise<unknown> => link.callSelf(ARG);
    try {
      await pipelined(500, WINDOW, remote); // warm-up: JIT, link, buffers
      const calls = await measured(link.peerPid, remote);
      const callsPerSec = calls.rate;
      const figures: Record<string, Figure> = { pipelined: fig(callsPerSec, 'calls/s', 'higher') };
      cpuFigures(figures, 'call', calls, 'caller', 'callee');
      for (const load of LOADS) {
        const rtts = (await openLoop(callsPerSec * load, LATENCY_MS, remote)).sort((x, y) => x - y);
        const label = `${Math.round(load * 100)}%`;
        figures[`p50 at ${label}`] = fig(percentile(rtts, 0.5), 'µs', 'lower');
        figures[`p99 at ${label}`] = fig(percentile(rtts, 0.99), 'µs', 'lower');
      }
      await pipelined(300, WINDOW, local);
      figures['same-process'] = fig(await pipelined(THROUGHPUT_MS, WINDOW, local), 'calls/s', 'higher');

      const callFrameBytes = encodeEnvelope([KIND.CALL, 1, 5000, null, null, 'bench', 'echo', [ARG]], new MsgpackWriter(DEFAULT_CODEC_LIMITS)).length;
      await rawEcho(link.echoAddress, callFrameBytes, 300, WINDOW);
      const echoPerSec = await rawEcho(link.echoAddress, callFrameBytes, THROUGHPUT_MS, WINDOW);
      const echo = await rawEchoClient(link.echoAddress, callFrameBytes);
      const baseline: Record<string, Figure> = { 'raw echo': fig(echoPerSec, 'frames/s', 'higher') };
      try {
        await pipelined(300, WINDOW, echo.op);
        const frames = await measured(link.peerPid, echo.op);
        baseline['raw echo per frame'] = fig(frames.rate, 'frames/s', 'higher');
        cpuFigures(baseline, 'frame', frames, 'client', 'echo server');
        const rtts = (await openLoop(callsPerSec * 0.1, LATENCY_MS, echo.op)).sort((x, y) => x - y);
        baseline['p50 at 10%'] = fig(percentile(rtts, 0.5), 'µs', 'lower');
        baseline['p99 at 10%'] = fig(percentile(rtts, 0.99), 'µs', 'lower');
      } finally {
        echo.close();
      }
      return {
        figures,
        baseline,
        // The peer's CPU figures exist only where /proc can be read.
        compare: [
          { ours: 'pipelined', baseline: 'raw echo' },
          { ours: 'pipelined', baseline: 'raw echo per frame' },
          { ours: 'caller CPU per call', baseline: 'client CPU per frame' },
          { ours: 'callee CPU per call', baseline: 'echo server CPU per frame' },
          { ours: 'p50 at 10%', baseline: 'p50 at 10%' },
          { ours: 'p99 at 10%', baseline: 'p99 at 10%' },
        ].filter((c) => figures[c.ours] && baseline[c.baseline]),
        params: { window: WINDOW, callFrameBytes, throughputMs: THROUGHPUT_MS, latencyMs: LATENCY_MS },
      };
    } finally {
      await link.stop();
    }
  },
};

export default bench;
