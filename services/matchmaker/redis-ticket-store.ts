/**
 * The ticket store in Redis, shared by every matchmaker of a cluster. Keys, under
 * `<prefix>mm:`:
 *
 * - `t:<owner>`: a hash per ticket: `data` (the ticket as JSON), `mode`, `rating`, `attempts`,
 *   and `match` (the match that claimed it; empty while it waits);
 * - `u:<uid>`: the owner of the ticket each party member is in;
 * - `q:<mode>`: the waiting tickets of a mode, a sorted set of owners scored by rating;
 * - `m:<matchId>`: the owners a match claimed; `claims`: every claim, scored by its deadline.
 *
 * Every change is one Lua script, so it is atomic: two matchmakers claiming overlapping tickets
 * see one succeed and the other take nothing.
 */
import type { Redis } from 'ioredis';
import type { AddResult, CancelResult, TicketEntry, TicketStore } from './ticket-store.js';
import type { Ticket } from './ticket.js';

// KEYS[1]: t:<owner>; KEYS[2]: q:<mode>; KEYS[3..]: u:<member>. ARGV: data, mode, rating, owner, maxWaiting.
const ADD = `
for i = 3, #KEYS do if redis.call('EXISTS', KEYS[i]) == 1 then return 'queued' end end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 'full' end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'mode', ARGV[2], 'rating', ARGV[3], 'attempts', 0, 'match', '')
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[4]) end
return 'added'`;

// ARGV: prefix, uid. Returns {data, match, attempts} or nil.
const GET = `
local owner = redis.call('GET', ARGV[1] .. 'u:' .. ARGV[2])
if not owner then return nil end
local t = redis.call('HMGET', ARGV[1] .. 't:' .. owner, 'data', 'match', 'attempts')
if not t[1] then return nil end
return t`;

// Deletes a ticket and its members' keys. Used by the scripts below.
const DELETE_TICKET = `
local function deleteTicket(prefix, key, data)
  for _, uid in ipairs(cjson.decode(data).party) do redis.call('DEL', prefix .. 'u:' .. uid) end
  redis.call('DEL', key)
end`;

// ARGV: prefix, uid. Returns {'cancelled', data}, {'launching'} or {'none'}.
const CANCEL = `${DELETE_TICKET}
local owner = redis.call('GET', ARGV[1] .. 'u:' .. ARGV[2])
if not owner then return {'none'} end
local key = ARGV[1] .. 't:' .. owner
local t = redis.call('HMGET', key, 'data', 'mode', 'match')
if not t[1] then return {'none'} end
if t[3] ~= '' then return {'launching'} end
redis.call('ZREM', ARGV[1] .. 'q:' .. t[2], owner)
deleteTicket(ARGV[1], key, t[1])
return {'cancelled', t[1]}`;

// KEYS[1]: q:<mode>. ARGV: prefix, limit. Returns the tickets' data.
const WAITING = `
local owners = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local out = {}
for _, owner in ipairs(owners) do
  local data = redis.call('HGET', ARGV[1] .. 't:' .. owner, 'data')
  if data then out[#out + 1] = data end
end
return out`;

// ARGV: prefix, matchId, deadline, owners... Returns 1 when claimed, 0 when not.
const CLAIM = `
if redis.call('EXISTS', ARGV[1] .. 'm:' .. ARGV[2]) == 1 then return 0 end
for i = 4, #ARGV do
  if redis.call('HGET', ARGV[1] .. 't:' .. ARGV[i], 'match') ~= '' then return 0 end
end
for i = 4, #ARGV do
  local key = ARGV[1] .. 't:' .. ARGV[i]
  redis.call('HSET', key, 'match', ARGV[2])
  redis.call('ZREM', ARGV[1] .. 'q:' .. redis.call('HGET', key, 'mode'), ARGV[i])
  redis.call('SADD', ARGV[1] .. 'm:' .. ARGV[2], ARGV[i])
end
redis.call('ZADD', ARGV[1] .. 'claims', ARGV[3], ARGV[2])
return 1`;

// ARGV: prefix, matchId. Returns 1 when the claim was held, 0 when not.
const COMPLETE = `${DELETE_TICKET}
if redis.call('ZREM', ARGV[1] .. 'claims', ARGV[2]) == 0 then return 0 end
local mkey = ARGV[1] .. 'm:' .. ARGV[2]
for _, owner in ipairs(redis.call('SMEMBERS', mkey)) do
  local key = ARGV[1] .. 't:' .. owner
  local t = redis.call('HMGET', key, 'data', 'match')
  if t[1] and t[2] == ARGV[2] then deleteTicket(ARGV[1], key, t[1]) end
end
redis.call('DEL', mkey)
return 1`;

// ARGV: prefix, matchId, maxAttempts. Returns the data of the tickets deleted for too many attempts.
const RELEASE = `${DELETE_TICKET}
if redis.call('ZREM', ARGV[1] .. 'claims', ARGV[2]) == 0 then return {} end
local mkey = ARGV[1] .. 'm:' .. ARGV[2]
local dropped = {}
for _, owner in ipairs(redis.call('SMEMBERS', mkey)) do
  local key = ARGV[1] .. 't:' .. owner
  local t = redis.call('HMGET', key, 'data', 'mode', 'rating', 'match')
  if t[1] and t[4] == ARGV[2] then
    if redis.call('HINCRBY', key, 'attempts', 1) >= tonumber(ARGV[3]) then
      deleteTicket(ARGV[1], key, t[1])
      dropped[#dropped + 1] = t[1]
    else
      redis.call('HSET', key, 'match', '')
      redis.call('ZADD', ARGV[1] .. 'q:' .. t[2], t[3], owner)
    end
  end
end
redis.call('DEL', mkey)
return dropped`;

/** Settings of a {@link RedisTicketStore}. */
export interface RedisTicketStoreOptions {
  /** Key prefix, to share a Redis between clusters (default `tessera:`); the store adds `mm:`. */
  prefix?: string;
}

/** A ticket store shared through Redis. */
export class RedisTicketStore implements TicketStore {
  private readonly prefix: string;

  /** @param redis a connected client; the caller owns it. */
  constructor(
    private readonly redis: Redis,
    options: RedisTicketStoreOptions = {},
  ) {
    this.prefix = `${options.prefix ?? 'tessera:'}mm:`;
  }

  async add(ticket: Ticket, maxWaiting: number): Promise<AddResult> {
    const keys = [`${this.prefix}t:${ticket.uid}`, `${this.prefix}q:${ticket.mode}`, ...ticket.party.map((uid) => `${this.prefix}u:${uid}`)];
    return (await this.redis.eval(ADD, keys.length, ...keys, encode(ticket), ticket.mode, String(ticket.rating), ticket.uid, maxWaiting)) as AddResult;
  }

  async get(uid: string): Promise<TicketEntry | undefined> {
    const reply = (await this.redis.eval(GET, 0, this.prefix, uid)) as [string, string, string] | null;
    if (!reply) return undefined;
    return { ticket: decode(reply[0]), state: reply[1] === '' ? 'waiting' : 'launching', attempts: Number(reply[2]) };
  }

  async cancel(uid: string): Promise<CancelResult> {
    const [result, data] = (await this.redis.eval(CANCEL, 0, this.prefix, uid)) as [string, string?];
    if (result === 'cancelled') return { cancelled: decode(data!) };
    return result === 'launching' ? 'launching' : 'none';
  }

  async waiting(mode: string, limit: number): Promise<Ticket[]> {
    if (limit < 1) return [];
    return ((await this.redis.eval(WAITING, 1, `${this.prefix}q:${mode}`, this.prefix, limit)) as string[]).map(decode);
  }

  async claim(matchId: string, owners: readonly string[], deadline: number): Promise<boolean> {
    return Number(await this.redis.eval(CLAIM, 0, this.prefix, matchId, deadline, ...owners)) === 1;
  }

  async complete(matchId: string): Promise<boolean> {
    return Number(await this.redis.eval(COMPLETE, 0, this.prefix, matchId)) === 1;
  }

  async release(matchId: string, maxAttempts: number): Promise<Ticket[]> {
    return ((await this.redis.eval(RELEASE, 0, this.prefix, matchId, maxAttempts)) as string[]).map(decode);
  }

  async expired(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(`${this.prefix}claims`, '-inf', now, 'LIMIT', 0, limit);
  }
}

function encode(ticket: Ticket): string {
  return JSON.stringify({ uid: ticket.uid, mode: ticket.mode, party: ticket.party, rating: ticket.rating, since: ticket.since });
}

function decode(text: string): Ticket {
  return JSON.parse(text) as Ticket;
}
