import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../timer/clock.js';
import { createLogger, type LoggerOptions, type RootLogger } from './create-logger.js';

const T0 = Date.UTC(2026, 10, 21, 13, 0, 0);

/** A console stream that keeps what it is given. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  let dir: string;
  let clock: ManualClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-log-'));
    clock = new ManualClock(T0);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A logger writing JSON lines to the temp dir, and readers that close it and return its file. */
  function fileLogger(extra: Partial<LoggerOptions> = {}): {
    log: RootLogger;
    text: () => Promise<string>;
    lines: () => Promise<Array<Record<string, unknown>>>;
  } {
    const log = createLogger({ serverId: 'lobby-1', level: 'debug', console: false, file: { dir, basename: 'test' }, clock, ...extra });
    const text = async (): Promise<string> => {
      await log.close();
      return readFile(join(dir, 'test-2026-11-21.log'), 'utf8');
    };
    const lines = async (): Promise<Array<Record<string, unknown>>> =>
      (await text()).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    return { log, text, lines };
  }

  it('writes every line with the clock time, level, server id, the known context ids, message and meta', async () => {
    const { log, lines } = fileLogger();
    log.info('joined', { sessionId: 's1', entityId: 'e1', traceId: 't1', room: 'r9' });
    log.warn('bare');
    const [joined, bare] = await lines();
    expect(joined).toEqual({ timestamp: '2026-11-21T13:00:00.000Z', level: 'info', serverId: 'lobby-1', sessionId: 's1', entityId: 'e1', traceId: 't1', message: 'joined', room: 'r9' });
    expect(Object.keys(joined ?? {})).toEqual(['timestamp', 'level', 'serverId', 'sessionId', 'entityId', 'traceId', 'message', 'room']);
    expect(bare).toEqual({ timestamp: '2026-11-21T13:00:00.000Z', level: 'warn', serverId: 'lobby-1', message: 'bare' });
  });

  it('merges a child context into its lines, and a grandchild context over that', async () => {
    const { log, lines } = fileLogger();
    const session = log.child({ sessionId: 's1', component: 'gate' });
    session.child({ entityId: 'e1', component: 'avatar' }).info('moved');
    session.info('still here');
    const [moved, still] = await lines();
    expect(moved).toMatchObject({ sessionId: 's1', entityId: 'e1', component: 'avatar' });
    expect(still).toMatchObject({ sessionId: 's1', component: 'gate' });
    expect(still).not.toHaveProperty('entityId');
  });

  it('adds the runWithLogContext context to lines logged inside it, across awaits, and nowhere else', async () => {
    const { log, lines } = fileLogger();
    const child = log.child({ sessionId: 's1' });
    const result = await log.runWithLogContext({ traceId: 't-42' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      child.info('inside after await');
      log.runWithLogContext({ entityId: 'e7' }, () => log.info('nested'));
      return 'done';
    });
    log.info('outside');
    expect(result).toBe('done');
    const [inside, nested, outside] = await lines();
    expect(inside).toMatchObject({ sessionId: 's1', traceId: 't-42' });
    expect(nested).toMatchObject({ traceId: 't-42', entityId: 'e7' });
    expect(outside).not.toHaveProperty('traceId');
  });

  it('tells the current async context, and nothing outside a run', async () => {
    const { log } = fileLogger();
    expect(log.currentLogContext()).toBeUndefined();
    await log.runWithLogContext({ traceId: 't-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      expect(log.currentLogContext()).toEqual({ traceId: 't-1' });
    });
    await log.close();
  });

  it('stamps lines with a server id changed after creation', async () => {
    const { log, lines } = fileLogger();
    log.info('before');
    log.setServerId('lobby-host-0');
    log.child({ sessionId: 's' }).info('after');
    const [before, after] = await lines();
    expect(before).toMatchObject({ serverId: 'lobby-1' });
    expect(after).toMatchObject({ serverId: 'lobby-host-0' });
  });

  it('lets explicit meta win over child context, and child context win over async context', async () => {
    const { log, lines } = fileLogger();
    const child = log.child({ traceId: 'from-child', sessionId: 'child-session' });
    log.runWithLogContext({ traceId: 'from-async', sessionId: 'async-session', entityId: 'async-entity' }, () => {
      child.info('a', { traceId: 'from-meta', sessionId: undefined });
    });
    const [line] = await lines();
    expect(line).toMatchObject({ traceId: 'from-meta', sessionId: 'child-session', entityId: 'async-entity' });
  });

  it('writes an err with its name, message, stack, code and cause chain', async () => {
    const { log, lines } = fileLogger();
    const inner = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    log.error('save failed', { err: new Error('could not save entity', { cause: inner }), entityId: 'e1' });
    const [line] = await lines();
    expect(line?.err).toMatchObject({
      name: 'Error',
      message: 'could not save entity',
      stack: expect.stringContaining('create-logger.test.ts'),
      cause: { name: 'Error', message: 'disk full', code: 'ENOSPC', stack: expect.stringContaining('Error: disk full') },
    });
  });

  it('renders a thrown non-Error err safely', async () => {
    const { log, lines } = fileLogger();
    log.error('odd throw', { err: 'just a string' });
    log.error('odd throw', { err: undefined });
    const [text, missing] = await lines();
    expect(text?.err).toEqual({ name: 'NonError', message: 'just a string', value: 'just a string' });
    expect(missing).not.toHaveProperty('err');
  });

  it('logs cyclic, BigInt, hostile and huge meta without throwing or writing a huge line', async () => {
    const { log, text } = fileLogger({ maxLineLength: 4_096 });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(() => {
      log.info('cyclic', { cyclic, big: 2n ** 70n });
      log.info('huge', { blob: 'z'.repeat(5_000_000), many: Array.from({ length: 100_000 }, (_, i) => ({ i })) });
      log.info('hostile', hostile as never);
    }).not.toThrow();
    const raw = (await text()).trimEnd().split('\n');
    for (const line of raw) expect(line.length).toBeLessThan(4_096 + 1_024);
    const [cyc, huge, bad] = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(cyc).toMatchObject({ cyclic: { name: 'loop', self: '[Circular]' }, big: '1180591620717411303424' });
    expect(huge?.message).toBe('huge');
    expect(bad).toMatchObject({ message: 'hostile', logMetaError: expect.stringContaining('trap') });
  });

  it('renames meta fields that would overwrite the line fields', async () => {
    const { log, lines } = fileLogger();
    log.info('real message', { level: 'fake', message: 'fake', serverId: 'fake', timestamp: 'fake' });
    const [line] = await lines();
    expect(line).toMatchObject({ level: 'info', message: 'real message', serverId: 'lobby-1', _level: 'fake', _message: 'fake', _serverId: 'fake', _timestamp: 'fake' });
  });

  it('skips lines below the level and follows setLevel', async () => {
    const { log, lines } = fileLogger({ level: 'warn' });
    log.info('skipped');
    log.warn('kept');
    log.setLevel('debug');
    log.debug('now kept');
    expect((await lines()).map((line) => line.message)).toEqual(['kept', 'now kept']);
  });

  it('ignores lines after close and resolves close once every line is on disk', async () => {
    const { log, lines } = fileLogger();
    for (let i = 0; i < 2_000; i++) log.info('line', { i });
    const closed = log.close();
    log.info('too late');
    await closed;
    const all = await lines();
    expect(all).toHaveLength(2_000);
    expect(all[1_999]).toMatchObject({ i: 1_999 });
  });

  it('prints a compact console line with the context ids in brackets and the meta as JSON', async () => {
    const out = capture();
    const log = createLogger({ serverId: 'lobby-1', console: { stream: out.stream, colors: false }, clock });
    log.info('message', { sessionId: 'abc', entityId: 'xyz', traceId: 't1', extra: 1 });
    log.warn('no context');
    await log.close();
    expect(out.text()).toBe(
      '2026-11-21T13:00:00.000Z info  [lobby-1 sess=abc ent=xyz trace=t1] message {"extra":1}\n' +
        '2026-11-21T13:00:00.000Z warn  [lobby-1] no context\n',
    );
  });

  it('colours the console level by severity when colours are on', async () => {
    const out = capture();
    const log = createLogger({ serverId: 'lobby-1', level: 'debug', console: { stream: out.stream, colors: true }, clock });
    log.error('e');
    log.warn('w');
    log.info('i');
    log.debug('d');
    await log.close();
    const [e, w, i, d] = out.text().split('\n');
    expect(e).toContain('\u001b[31merror\u001b[39m');
    expect(w).toContain('\u001b[33mwarn \u001b[39m');
    expect(i).toContain('\u001b[32minfo \u001b[39m');
    expect(d).toContain('\u001b[34mdebug\u001b[39m');
  });

  it('prints an error stack and its causes on indented lines below the console line', async () => {
    const out = capture();
    const log = createLogger({ serverId: 'lobby-1', console: { stream: out.stream, colors: false }, clock });
    log.error('save failed', { err: new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'EIO' }) }) });
    await log.close();
    const lines = out.text().split('\n');
    expect(lines[0]).toBe('2026-11-21T13:00:00.000Z error [lobby-1] save failed');
    expect(lines[1]).toBe('  Error: outer');
    expect(lines[2]).toMatch(/^ {6}at /);
    expect(lines).toContain('  Caused by: [EIO] Error: inner');
  });

  it('drops console lines past its cap while the console stalls, counts them, and announces them after', async () => {
    const held: Array<() => void> = [];
    const received: string[] = [];
    const stalled = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        received.push(chunk.toString('utf8'));
        held.push(() => done());
      },
    });
    const log = createLogger({ serverId: 'lobby-1', console: { stream: stalled, colors: false, maxBufferedBytes: 500 }, clock });
    for (let i = 0; i < 50; i++) log.info('a line of about eighty characters once it is rendered');
    const dropped = log.stats().console?.droppedLines ?? 0;
    expect(dropped).toBeGreaterThan(40);
    expect(log.stats().droppedLines).toBe(dropped);
    while (held.length > 0) held.shift()?.();
    await log.close();
    expect(received.at(-1)).toBe(`2026-11-21T13:00:00.000Z warn  [lobby-1] log: dropped ${dropped} lines while the console was slow {"dropped":${dropped}}\n`);
  });

  it('rejects an unknown level', () => {
    expect(() => createLogger({ serverId: 'x', level: 'verbose' as never, console: false, clock })).toThrow(RangeError);
  });
});

