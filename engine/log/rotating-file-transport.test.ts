import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../timer/clock.js';
import { createLogger } from './create-logger.js';
import { RotatingFileTransport, type RotatingFileOptions } from './rotating-file-transport.js';
import { MESSAGE } from './winston-info.js';

const NOV_21_LATE = Date.UTC(2026, 10, 21, 23, 59, 59);

/** A stream that holds every write until released, like a disk that has stopped answering. */
class StalledStream extends Writable {
  readonly received: string[] = [];
  private held: Array<() => void> = [];
  private open = false;

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.received.push(chunk.toString('utf8'));
    if (this.open) done();
    else this.held.push(() => done());
  }

  release(): void {
    this.open = true;
    for (const done of this.held.splice(0)) done();
  }
}

/** Hands one pre-rendered line to the transport as winston would. */
function write(transport: RotatingFileTransport, line: string): void {
  transport.log({ level: 'info', message: line, [MESSAGE]: line }, () => {});
}

describe('RotatingFileTransport', () => {
  let dir: string;
  let clock: ManualClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-rotate-'));
    clock = new ManualClock(NOV_21_LATE);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function transport(options: Partial<RotatingFileOptions> = {}): RotatingFileTransport {
    return new RotatingFileTransport({ dir, basename: 'app', clock, format: undefined, ...options });
  }

  const read = (name: string): Promise<string> => readFile(join(dir, name), 'utf8');

  it('writes JSON lines through a logger to <basename>-<UTC date>.log', async () => {
    const log = createLogger({ serverId: 'lobby-1', console: false, file: { dir }, clock });
    log.info('hello', { sessionId: 's1' });
    await log.close();
    const [line] = (await read('lobby-1-2026-11-21.log')).trimEnd().split('\n');
    expect(JSON.parse(line ?? '')).toEqual({ timestamp: '2026-11-21T23:59:59.000Z', level: 'info', serverId: 'lobby-1', sessionId: 's1', message: 'hello' });
  });

  it('starts a new file when the clock crosses midnight UTC', async () => {
    const t = transport();
    write(t, 'before midnight');
    clock.advance(1_500);
    write(t, 'after midnight');
    expect(t.stats.path).toBe(join(dir, 'app-2026-11-22.log'));
    await t.close();
    expect(await read('app-2026-11-21.log')).toBe('before midnight\n');
    expect(await read('app-2026-11-22.log')).toBe('after midnight\n');
  });

  it('starts .1, .2, … files before a line would take a file past maxFileBytes', async () => {
    const t = transport({ maxFileBytes: 100 });
    const line = 'x'.repeat(39); // 40 bytes with its newline
    for (let i = 0; i < 5; i++) write(t, line);
    await t.close();
    expect((await readdir(dir)).sort()).toEqual(['app-2026-11-21.1.log', 'app-2026-11-21.2.log', 'app-2026-11-21.log']);
    expect(await read('app-2026-11-21.log')).toBe(`${line}\n${line}\n`);
    expect(await read('app-2026-11-21.1.log')).toBe(`${line}\n${line}\n`);
    expect(await read('app-2026-11-21.2.log')).toBe(`${line}\n`);
  });

  it('appends to the newest file of today after a restart', async () => {
    await writeFile(join(dir, 'app-2026-11-21.log'), 'old 0\n');
    await writeFile(join(dir, 'app-2026-11-21.3.log'), 'old 3\n');
    const t = transport();
    write(t, 'new');
    await t.close();
    expect(await read('app-2026-11-21.3.log')).toBe('old 3\nnew\n');
  });

  it('deletes files older than maxDays when it starts', async () => {
    for (const name of ['app-2026-11-10.log', 'app-2026-11-19.log', 'app-2026-11-20.log', 'app-2026-11-20.1.log', 'other-2026-11-01.log', 'notes.txt']) {
      await writeFile(join(dir, name), 'x\n');
    }
    const t = transport({ maxDays: 2 });
    write(t, 'today');
    await t.close();
    expect((await readdir(dir)).sort()).toEqual(['app-2026-11-20.1.log', 'app-2026-11-20.log', 'app-2026-11-21.log', 'notes.txt', 'other-2026-11-01.log']);
  });

  it('deletes the oldest files past maxFiles when it rotates', async () => {
    const t = transport({ maxFiles: 2, maxFileBytes: 10 });
    for (let i = 0; i < 4; i++) write(t, `line ${i}..`);
    clock.advance(1_500);
    write(t, 'next day');
    await t.close();
    expect((await readdir(dir)).sort()).toEqual(['app-2026-11-21.3.log', 'app-2026-11-22.log']);
  });

  it('drops lines past maxBufferedBytes while the disk is stalled, without blocking, then says how many', async () => {
    const stalled = new StalledStream();
    const t = transport({ maxBufferedBytes: 1_000, createStream: () => stalled });
    const line = 'y'.repeat(99); // 100 bytes with its newline
    for (let i = 0; i < 100; i++) write(t, line);

    // The event loop still turns while the disk holds every write.
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.stats.droppedLines).toBe(90);
    expect(t.stats.bufferedBytes).toBe(1_000);

    stalled.release();
    await t.close();
    const notice = stalled.received.at(-1) ?? '';
    expect(stalled.received.filter((chunk) => chunk === `${line}\n`)).toHaveLength(10);
    expect(JSON.parse(notice)).toEqual({ timestamp: '2026-11-21T23:59:59.000Z', level: 'warn', message: 'log: dropped 90 lines while the disk was slow', dropped: 90 });
  });

  it('writes the dropped-lines notice as a full log line when used through a logger', async () => {
    const stalled = new StalledStream();
    const log = createLogger({ serverId: 'lobby-1', console: false, file: { dir, maxBufferedBytes: 300, createStream: () => stalled }, clock });
    for (let i = 0; i < 10; i++) log.info('some line that is around one hundred bytes once it has been rendered as JSON');
    stalled.release();
    await log.close();
    expect(JSON.parse(stalled.received.at(-1) ?? '')).toMatchObject({ level: 'warn', serverId: 'lobby-1', message: expect.stringMatching(/^log: dropped \d+ lines while the disk was slow$/) });
  });

  it('reports a failing file once, drops its lines, and reopens it after a back-off', async () => {
    const errors: unknown[] = [];
    let opens = 0;
    const failing = (): Writable => {
      opens++;
      return new Writable({ write: (_chunk, _enc, done) => done(new Error('EIO')) });
    };
    const t = transport({ createStream: failing, reportError: (err) => errors.push(err) });
    write(t, 'lost');
    await new Promise((resolve) => setImmediate(resolve));
    write(t, 'dropped while backing off');
    expect(opens).toBe(1);
    clock.advance(5_000);
    write(t, 'triggers a reopen');
    expect(opens).toBe(2);
    await t.close();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(t.stats.droppedLines).toBeGreaterThanOrEqual(2);
  });

  it('rejects a basename with a path separator and caps that are not positive', () => {
    expect(() => transport({ basename: '../escape' })).toThrow(RangeError);
    expect(() => transport({ maxFileBytes: 0 })).toThrow(RangeError);
    expect(() => transport({ maxDays: -1 })).toThrow(RangeError);
  });
});
