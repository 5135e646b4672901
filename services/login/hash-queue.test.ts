import { describe, expect, it } from 'vitest';
import { LoginError } from './errors.js';
import { HashQueue, LOGINS_PER_REGISTRATION, type HashKind } from './hash-queue.js';

// Lets every settled promise run its continuations.
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Work that starts when the queue runs it and ends only when the test releases it. */
function harness(queue: HashQueue) {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const settled: string[] = [];
  const submit = (kind: HashKind, name: string): Promise<string> => {
    const result = queue.run(kind, () => {
      started.push(name);
      return new Promise<string>((resolve) => releases.set(name, () => resolve(name)));
    });
    result.then(
      () => settled.push(name),
      () => settled.push(`${name} refused`),
    );
    return result;
  };
  const release = async (name: string): Promise<void> => {
    releases.get(name)!();
    await flush();
  };
  return { started, settled, submit, release };
}

describe('HashQueue', () => {
  it('runs at most maxConcurrent hashes at once and starts the next as one ends', async () => {
    const queue = new HashQueue({ maxConcurrent: 2 });
    const { started, submit, release } = harness(queue);
    for (const name of ['r1', 'r2', 'r3']) void submit('register', name);
    await flush();
    expect(started).toEqual(['r1', 'r2']);
    expect(queue.load).toEqual({ running: 2, queuedLogins: 0, queuedRegistrations: 1 });
    await release('r2');
    expect(started).toEqual(['r1', 'r2', 'r3']);
  });

  it('starts a waiting login before every registration that waited longer', async () => {
    const queue = new HashQueue({ maxConcurrent: 1, maxRegistrations: 100 });
    const { started, settled, submit, release } = harness(queue);
    for (let i = 1; i <= 10; i++) void submit('register', `r${i}`);
    void submit('login', 'alice');
    await flush();
    expect(queue.load).toEqual({ running: 1, queuedLogins: 1, queuedRegistrations: 9 });
    await release('r1');
    expect(started).toEqual(['r1', 'alice']);
    await release('alice');
    expect(settled).toEqual(['r1', 'alice']);
    expect(started).toEqual(['r1', 'alice', 'r2']);
  });

  it('gives a waiting registration one slot after every LOGINS_PER_REGISTRATION logins, so that steady logins never starve it', async () => {
    const queue = new HashQueue({ maxConcurrent: 1, maxRegistrations: 100 });
    const { started, submit, release } = harness(queue);
    void submit('login', 'first');
    void submit('register', 'r1');
    const logins = Array.from({ length: LOGINS_PER_REGISTRATION + 2 }, (_, i) => `l${i + 1}`);
    for (const name of logins) void submit('login', name);
    await flush();
    for (const name of ['first', ...logins.slice(0, LOGINS_PER_REGISTRATION)]) await release(name);
    expect(started).toEqual(['first', ...logins.slice(0, LOGINS_PER_REGISTRATION), 'r1']);
    await release('r1');
    expect(started.at(-1)).toBe(logins[LOGINS_PER_REGISTRATION]);
  });

  it('refuses registrations past maxRegistrations (running and waiting) with LOGIN_ERR_REGISTER_BUSY, while logins still queue', async () => {
    const queue = new HashQueue({ maxConcurrent: 1, maxRegistrations: 3 });
    const { submit, release } = harness(queue);
    for (const name of ['r1', 'r2', 'r3']) void submit('register', name);
    const err = await submit('register', 'r4').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginError);
    expect((err as LoginError).code).toBe('LOGIN_ERR_REGISTER_BUSY');
    expect((err as LoginError).retryAfterMs).toBeGreaterThan(0);
    const login = submit('login', 'alice');
    await flush();
    expect(queue.load).toEqual({ running: 1, queuedLogins: 1, queuedRegistrations: 2 });
    await release('r1');
    await release('alice');
    expect(await login).toBe('alice');
    // The finished registration gave its place in the budget back: one more fits, and no more.
    void submit('register', 'r5');
    await flush();
    expect(queue.load).toEqual({ running: 1, queuedLogins: 0, queuedRegistrations: 2 });
    expect(((await submit('register', 'r6').catch((e: unknown) => e)) as LoginError).code).toBe('LOGIN_ERR_REGISTER_BUSY');
  });

  it('refuses logins past maxQueuedLogins waiting with LOGIN_ERR_UNAVAILABLE', async () => {
    const queue = new HashQueue({ maxConcurrent: 1, maxQueuedLogins: 2 });
    const { submit } = harness(queue);
    for (const name of ['a', 'b', 'c']) void submit('login', name);
    await flush();
    const err = await submit('login', 'd').catch((e: unknown) => e);
    expect((err as LoginError).code).toBe('LOGIN_ERR_UNAVAILABLE');
    expect((err as LoginError).retryAfterMs).toBeGreaterThan(0);
  });

  it('frees the slot and the registration budget of work that fails', async () => {
    const queue = new HashQueue({ maxConcurrent: 1, maxRegistrations: 1 });
    await expect(queue.run('register', () => Promise.reject(new Error('kdf failed')))).rejects.toThrow('kdf failed');
    expect(queue.load).toEqual({ running: 0, queuedLogins: 0, queuedRegistrations: 0 });
    await expect(queue.run('register', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('refuses caps that are not positive integers', () => {
    expect(() => new HashQueue({ maxConcurrent: 0 })).toThrow(RangeError);
    expect(() => new HashQueue({ maxQueuedLogins: 1.5 })).toThrow(RangeError);
    expect(() => new HashQueue({ maxRegistrations: -1 })).toThrow(RangeError);
  });
});
