/**
 * A flood of the login service (a standalone main.ts process, with the default rate limits) from
 * one address and from many, aimed at the bystander's own username too, while the bystander plays:
 * past each limit the service answers 429 LOGIN_ERR_RATE_LIMITED with a Retry-After, an oversize
 * body is refused, the bystander's game is served all along, and its own login from its
 * own address still works afterwards. Addresses come from 127/8, which Linux answers whole.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../client-sim/login.js';
import { connectGate } from '../../client-sim/node-client.js';
import { createTcpTransport } from '../../client-sim/node-transports.js';
import { defaults } from '../../engine/config/defaults.js';
import { Bystander } from './fixtures/bystander.js';
import { startHostileServer, type HostileServer } from './fixtures/hostile-standalone.js';

const { perIpPerMinute, perIpPerUserPerMinute } = defaults.login.rateLimit;

let server: HostileServer;
let bystander: Bystander;

/** What the service answered: the status, the error code if any, and the Retry-After header. */
interface Answer {
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
}

/** POSTs `body` to `path` of the login service from `localAddress`, on a connection of its own. */
function post(path: string, body: string, localAddress: string): Promise<Answer> {
  const url = new URL(path, server.loginUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString()) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode!, code, retryAfter: res.headers['retry-after'] });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[`${a.status} ${a.code ?? ''}`.trim()] = (counts[`${a.status} ${a.code ?? ''}`.trim()] ?? 0) + 1;
  return counts;
}

/** `count` requests from each of `addresses`, `parallel` at a time per address. */
async function flood(addresses: string[], count: number, make: (i: number) => [string, string], parallel = 20): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    addresses.map(async (address) => {
      for (let start = 0; start < count; start += parallel) {
        const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => post(...make(start + i), address));
        answers.push(...(await Promise.all(batch)));
      }
    }),
  );
  return answers;
}

beforeAll(async () => {
  server = await startHostileServer();
  bystander = await Bystander.start({ loginUrl: server.loginUrl, gate: server.gate });
}, 60_000);

afterAll(async () => {
  const report = await bystander?.stop();
  await server?.standalone.stop();
  expect(report?.problems).toEqual([]);
});

describe('a login-service flood', () => {
  it('answers a burst of 200 logins from one address past its limit with 429 LOGIN_ERR_RATE_LIMITED and a Retry-After', async () => {
    const answers = await flood(['127.0.2.1'], 200, (i) => ['/login', JSON.stringify({ username: `nobody${i}`, password: 'wrong-password' })]);
    expect(tally(answers)).toEqual({ '401 LOGIN_ERR_BAD_CREDENTIALS': perIpPerMinute, '429 LOGIN_ERR_RATE_LIMITED': 200 - perIpPerMinute });
    expect(answers.find((a) => a.status === 429)!.retryAfter).toMatch(/^\d+$/);
    await bystander.served();
  });

  it('answers registrations from one address past its limit with 429 LOGIN_ERR_RATE_LIMITED', async () => {
    // Ten at a time: under the service's cap on registrations hashing at once (16), past which it answers 503.
    const answers = await flood(['127.0.2.2'], 100, (i) => ['/register', JSON.stringify({ username: `flood${process.pid}x${i}`, password: 'flood-password' })], 10);
    expect(tally(answers)).toEqual({ 201: perIpPerMinute, '429 LOGIN_ERR_RATE_LIMITED': 100 - perIpPerMinute });
    await bystander.served();
  });

  it('limits guesses at the bystander’s password from 40 addresses, and its owner still logs in and plays', async () => {
    const addresses = Array.from({ length: 40 }, (_, i) => `127.0.3.${i + 1}`);
    const guess = JSON.stringify({ username: bystander.account.username, password: 'a-wrong-guess' });
    const answers = await flood(addresses, 20, () => ['/login', guess], 5);
    const counts = tally(answers);
    expect(Object.keys(counts).sort()).toEqual(['401 LOGIN_ERR_BAD_CREDENTIALS', '429 LOGIN_ERR_RATE_LIMITED']);
    // Each address gets its own few guesses at most; the slowdown cuts most of them shorter.
    expect(counts['401 LOGIN_ERR_BAD_CREDENTIALS']).toBeLessThanOrEqual(addresses.length * perIpPerUserPerMinute);
    await bystander.served();

    const { token } = await login(server.loginUrl, bystander.account.username, bystander.account.password);
    const again = await connectGate({ endpoint: server.gate.tcp, transport: createTcpTransport({ localAddress: '127.0.0.3' }), gateKey: server.gate.publicKey });
    // Logging in again kicks the bystander's first connection: a second bystander is not wanted here.
    const other = await bystander.stop();
    expect(other.problems).toEqual([]);
    await again.auth(token);
    expect(await again.request('Echo.echo', 'still mine')).toBe('still mine');
    again.close();
    bystander = await Bystander.start({ loginUrl: server.loginUrl, gate: server.gate });
  });

  it('refuses a body past the limit with 413 and a malformed one with 400', async () => {
    const huge = JSON.stringify({ username: 'big', password: 'x'.repeat(1 << 20) });
    expect(await post('/login', huge, '127.0.2.3')).toMatchObject({ status: 413 });
    expect(await post('/login', '{"username": ', '127.0.2.3')).toMatchObject({ status: 400 });
    expect(await post('/login', JSON.stringify({ username: { $gt: '' }, password: ['x'] }), '127.0.2.3')).toMatchObject({ status: 400 });
    await bystander.served();
  });
});
