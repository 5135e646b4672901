/**
 * Measures what a server process holds, through the inspector it was started with
 * (`--inspect=127.0.0.1:0`): full garbage collections first, then `process.memoryUsage()`. A
 * resident-memory sample without that measures the garbage of the last burst, not what is kept.
 * The inspector connection is client-sim/bots/soak/inspector-client.ts, which the soak runner uses too.
 */
import { connectInspector, inspectorUrlIn, type HeldMemory } from '../../client-sim/bots/soak/inspector-client.js';
import { SystemClock } from '../../engine/timer/clock.js';

export type { HeldMemory };

/** A connection to a process's inspector. */
export interface HeapProbe {
  /** Memory after collecting garbage. */
  held(): Promise<HeldMemory>;
  /**
   * Memory after collecting garbage, once what the process is still tearing down (connections
   * closing, saves in flight) is gone: samples a second apart until the heap moves less than 1%
   * (at most 30 s).
   */
  settled(): Promise<HeldMemory>;
  close(): void;
}

/**
 * Connects to the inspector whose URL the process printed (`Debugger listening on ws://…`).
 * @throws Error when the output holds no such line.
 */
export async function connectHeapProbe(output: string): Promise<HeapProbe> {
  const url = inspectorUrlIn(output);
  if (!url) throw new Error('heap probe: the process was not started with --inspect');
  const inspector = await connectInspector(url, { clock: new SystemClock() });
  const held = () => inspector.held();
  return {
    held,
    async settled() {
      let last = await held();
      for (let i = 0; i < 30; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const now = await held();
        if (Math.abs(now.heapUsed - last.heapUsed) < 0.01 * last.heapUsed) return now;
        last = now;
      }
      return last;
    },
    close: () => inspector.close(),
  };
}
