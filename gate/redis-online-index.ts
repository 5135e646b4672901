/**
 * The online index in Redis: one string key per account, `<prefix>online:<uid>` → JSON entry.
 * A claim is one `SET … GET` (atomic: two gates claiming at once each learn of the other); a
 * release deletes only its own session, in a Lua script, so a newer login is never erased.
 */
import type { Redis } from 'ioredis';
import type { OnlineEntry, OnlineIndex } from './online-index.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** An online index shared through Redis. */
export class RedisOnlineIndex implements OnlineIndex {
  /**
   * @param redis a connected client; the caller owns it.
   * @param prefix key prefix, to share a Redis between clusters (default `tessera:`).
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'tessera:',
  ) {}

  async claim(uid: string, entry: OnlineEntry): Promise<OnlineEntry | undefined> {
    const previous = await this.redis.set(this.key(uid), encode(entry), 'GET');
    return decode(previous);
  }

  async release(uid: string, sessionId: string): Promise<void> {
    const current = decode(await this.redis.get(this.key(uid)));
    if (current?.sessionId !== sessionId) return;
    await this.redis.eval(RELEASE, 1, this.key(uid), encode(current));
  }

  async lookup(uid: string): Promise<OnlineEntry | undefined> {
    return decode(await this.redis.get(this.key(uid)));
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
