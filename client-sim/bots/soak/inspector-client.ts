/**
 * A small client of a Node process's inspector (the Chrome DevTools protocol over WebSocket), for
 * tools that measure a server they started with `--inspect=127.0.0.1:0`: collect its garbage and
 * read what it holds, and evaluate expressions in it (its active handles and timers). The soak
 * runner and the gate benchmark use it.
 */
import WebSocket from 'ws';
import type { Clock } from '../../../engine/timer/clock.js';

/** `process.memoryUsage()` of the inspected process, in bytes. */
export interface HeldMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** A connection to one process's inspector. */
export interface InspectorClient {
  /** Sends one protocol command and resolves with its result. */
  send(method: string, params?: object): Promise<unknown>;
  /** Evaluates `expression` in the process's global scope; resolves with its value, which must be JSON. */
  evaluate<T>(expression: string): Promise<T>;
  /**
   * Memory after full garbage collections (`collections`, default 2: the first can leave objects
   * that only the second frees, through weak callbacks).
   */
  held(collections?: number): Promise<HeldMemory>;
  close(): void;
}

/** Options of {@link connectInspector}. */
export interface InspectorOptions {
  /** Time for the command timeout. */
  clock: Clock;
  /** Longest wait for one command's answer (default 30,000 ms: a full collection of a large heap takes seconds). */
  timeoutMs?: number;
}

// Commands are sent one after another by their callers; more than this waiting means a stuck process.
const MAX_PENDING = 64;

/**
 * The inspector URL a process printed when it started (`Debugger listening on ws://…`), if any.
 */
export function inspectorUrlIn(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/**
 * Connects to the inspector at `url`.
 * @throws Error when the connection fails. Each command rejects when the process answers with
 *   an error, the connection closes, more than 64 commands wait, or no answer comes in time.
 */
export async function connectInspector(url: string, options: InspectorOptions): Promise<InspectorClient> {
  const { clock } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
  const failAll = (err: Error): void => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) w?.reject(new Error(`inspector: ${message.error.message}`));
    else w?.resolve(message.result);
  });
  socket.on('close', () => failAll(new Error('inspector: the connection closed')));
  socket.on('error', () => undefined);

  const send = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) return reject(new Error('inspector: the connection is closed'));
      if (waiting.size >= MAX_PENDING) return reject(new Error(`inspector: ${MAX_PENDING} commands already waiting`));
      const id = ++nextId;
      const timer = clock.setTimer(() => {
        waiting.delete(id);
        reject(new Error(`inspector: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = <A>(fn: (a: A) => void) => (a: A) => {
        clock.clearTimer(timer);
        fn(a);
      };
      waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      socket.send(JSON.stringify({ id, method, params }));
    });

  const evaluate = async <T>(expression: string): Promise<T> => {
    const reply = (await send('Runtime.evaluate', { expression: `JSON.stringify(${expression})`, returnByValue: true })) as {
      result: { value?: string };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (reply.exceptionDetails) throw new Error(`inspector: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
    return JSON.parse(reply.result.value ?? 'null') as T;
  };

  return {
    send,
    evaluate,
    async held(collections = 2) {
      for (let i = 0; i < collections; i++) await send('HeapProfiler.collectGarbage');
      return evaluate<HeldMemory>('process.memoryUsage()');
    },
    close: () => socket.close(),
  };
}
