/**
 * Measures what a server process holds, through the inspector it was started with
 * (`--inspect=127.0.0.1:0`): full garbage collections first, then `process.memoryUsage()`. A
 * resident-memory sample without that measures the garbage of the last burst, not what is kept.
 */
import WebSocket from 'ws';

/** Memory of the process after collecting garbage. */
export interface HeldMemory {
  rss: number;
  heapUsed: number;
  external: number;
}

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
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error('heap probe: the process was not started with --inspect');
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
    waiting.delete(message.id ?? -1);
  });
  const send = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  const held = async (): Promise<HeldMemory> => {
    // Twice: the first collection can leave objects that only the second frees (weak callbacks).
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const reply = (await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())' })) as { result: { value: string } };
    return JSON.parse(reply.result.value) as HeldMemory;
  };
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
    close: () => socket.close(),
  };
}
