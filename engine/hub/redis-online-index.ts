/**
 * The online index in Redis: one string key per account, `<prefix>online:<uid>` → JSON entry,
 * each with a time to live that its gate renews (online-upkeep.ts), so that the entries of a gate
 * that died without anyone cleaning up disappear by themselves.
 *
 * A claim is one `SET … PX … GET` (atomic: two gates claiming at once each learn of the other); a
 * release deletes only its own session, in a Lua script, so a newer login is never erased. A batch
 * lookup is MGETs of {@link LOOKUP_BATCH} keys, all in one pipeline: one round trip. A
 * refresh sends its records in batches of {@link REFRESH_BATCH}, all batches in one pipeline: one
 * round trip per refresh however many sessions the gate holds. Removing a departed gate's entries
 * scans the keys in pages and deletes, in a script per page, only values naming that gate.
 */
import type { Redis } from 'ioredis';
import type { OnlineEntry, OnlineIndex, OnlineRecord } from './online-index.js';

/** Records per refresh script: a script blocks Redis while it runs, so each stays short. */
export const REFRESH_BATCH = 500;
/** Keys per MGET of a batch lookup: all of a lookup's MGETs go in one pipeline. */
export const LOOKUP_BATCH = 1_000;
/** Keys asked for per SCAN page when removing a gate's entries. */
const SCAN_PAGE = 1_000;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

// KEYS: the accounts' keys; ARGV[1]: the time to live; ARGV[i + 1]: the value KEYS[i] should hold.
// Returns the positions (1-based) of the keys another session holds.
const REFRESH = `
local lost = {}
for i, key in ipairs(KEYS) do
  local value = ARGV[i + 1]
  local current = redis.call('GET', key)
  if current == value then redis.call('PEXPIRE', key, ARGV[1])
  elseif not current then redis.call('SET', key, value, 'PX', ARGV[1])
  else lost[#lost + 1] = i end
end
return lost`;

// KEYS: candidate keys; ARGV[1]: how a value naming the departed gate begins. Returns how many went.
const REMOVE_GATE = `
local removed = 0
for _, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
    redis.call('DEL', key)
    removed = removed + 1
  end
end
return removed`;

/** Settings of a {@link RedisOnlineIndex}. */
export interface RedisOnlineIndexOptions {
  /** How long an entry lives without a refresh, in ms. */
  ttlMs: number;
  /** Key prefix, to share a Redis between clusters (default `tessera:`). */
  prefix?: string;
}

/** An online index shared through Redis. */
export class RedisOnlineIndex implements OnlineIndex {
  private readonly ttlMs: number;
  private readonly prefix: string;

  /**
   * @param redis a connected client; the caller owns it.
   * @throws RangeError when `ttlMs` is not a positive integer.
   */
  constructor(
    private readonly redis: Redis,
    options: RedisOnlineIndexOptions,
  ) {
    if (!Number.isInteger(options.ttlMs) || options.ttlMs < 1) throw new RangeError(`online index: ttlMs must be a positive integer, got ${options.ttlMs}`);
    this.ttlMs = options.ttlMs;
    this.prefix = options.prefix ?? 'tessera:';
  }

  async claim(uid: string, entry: OnlineEntry): Promise<OnlineEntry | undefined> {
    this.checkConnected();
    const previous = await this.redis.set(this.key(uid), encode(entry), 'PX', this.ttlMs, 'GET');
    return decode(previous);
  }

  async release(uid: string, sessionId: string): Promise<void> {
    this.checkConnected();
    const current = decode(await this.redis.get(this.key(uid)));
    if (current?.sessionId !== sessionId) return;
    await this.redis.eval(RELEASE, 1, this.key(uid), encode(current));
  }

  async lookup(uid: string): Promise<OnlineEntry | undefined> {
    this.checkConnected();
    return decode(await this.redis.get(this.key(uid)));
  }

  async lookupMany(uids: readonly string[]): Promise<(OnlineEntry | undefined)[]> {
    if (uids.length === 0) return [];
    this.checkConnected();
    const pipeline = this.redis.pipeline();
    for (let start = 0; start < uids.length; start += LOOKUP_BATCH) pipeline.mget(...uids.slice(start, start + LOOKUP_BATCH).map((uid) => this.key(uid)));
    const results = (await pipeline.exec()) ?? [];
    const entries: (OnlineEntry | undefined)[] = [];
    for (const [err, values] of results) {
      if (err) throw err;
      for (const value of values as (string | null)[]) entries.push(decode(value));
    }
    if (entries.length !== uids.length) throw new Error(`online index: ${entries.length} replies to a lookup of ${uids.length} accounts`);
    return entries;
  }

  async refresh(records: readonly OnlineRecord[]): Promise<OnlineRecord[]> {
    if (records.length === 0) return [];
    this.checkConnected();
    const pipeline = this.redis.pipeline();
    const batches: (readonly OnlineRecord[])[] = [];
    for (let start = 0; start < records.length; start += REFRESH_BATCH) {
      const batch = records.slice(start, start + REFRESH_BATCH);
      batches.push(batch);
      pipeline.eval(REFRESH, batch.length, ...batch.map((r) => this.key(r.uid)), this.ttlMs, ...batch.map(encode));
    }
    const results = (await pipeline.exec()) ?? [];
    const lost: OnlineRecord[] = [];
    for (let b = 0; b < batches.length; b++) {
      const [err, positions] = results[b] ?? [new Error('online index: no reply to a refresh batch'), undefined];
      if (err) throw err;
      for (const position of positions as number[]) lost.push(batches[b]![position - 1]!);
    }
    return lost;
  }

  async removeGate(gateId: string): Promise<number> {
    // encode() writes gateId first, so a value of that gate begins with exactly this.
    this.checkConnected();
    const head = `{"gateId":${JSON.stringify(gateId)},`;
    const pattern = `${escapeGlob(this.prefix)}online:*`;
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_PAGE);
      cursor = next;
      if (keys.length > 0) removed += Number(await this.redis.eval(REMOVE_GATE, keys.length, ...keys, head));
    } while (cursor !== '0');
    return removed;
  }

  // While the client waits to reconnect it would queue commands: a login would wait out the
  // outage. They fail at once instead (a client still making its first connection queues them).
  private checkConnected(): void {
    const { status } = this.redis;
    if (status === 'reconnecting' || status === 'close' || status === 'end') throw new Error(`online index: Redis is not connected (${status})`);
  }

  private key(uid: string): string {
    return `${this.prefix}online:${uid}`;
  }
}

function encode(entry: OnlineEntry): string {
  return JSON.stringify({ gateId: entry.gateId, sessionId: entry.sessionId });
}

function decode(text: string | null): OnlineEntry | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<OnlineEntry>;
    return typeof value.gateId === 'string' && typeof value.sessionId === 'string' ? { gateId: value.gateId, sessionId: value.sessionId } : undefined;
  } catch {
    // Someone else's value under our key: treat the account as not online.
    return undefined;
  }
}

/** `text` with the characters SCAN's MATCH treats as a pattern escaped. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
