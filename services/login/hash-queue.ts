/**
 * Orders password hashing, the login service's one costly step: at most `maxConcurrent` hashes run
 * at once, and the rest wait in two bounded queues. A waiting login starts before a waiting
 * registration, except that one freed slot in every {@link LOGINS_PER_REGISTRATION} + 1 goes to a
 * registration that waits, so that steady logins delay registrations without starving them. A
 * registration flood thus delays a login by the hashes already running and at most one more.
 * Registrations have their own budget (running and waiting together), so that they can never
 * fill the service; past it they are refused at once while logins still queue.
 */
import { LoginError } from './errors.js';

/** Options for {@link HashQueue}; defaults match engine/config/defaults.ts. */
export interface HashQueueOptions {
  /** Hashes running at once (default 4, the size of libuv's default thread pool, where scrypt runs). */
  maxConcurrent?: number;
  /** Logins waiting for a hash (default 256); past it a login gets LOGIN_ERR_UNAVAILABLE. */
  maxQueuedLogins?: number;
  /** Registrations running or waiting (default 16); past it a registration gets LOGIN_ERR_REGISTER_BUSY. */
  maxRegistrations?: number;
}

/** What a hash is for: a login's verification is served first. */
export type HashKind = 'login' | 'register';

interface Waiting {
  start: () => void;
}

// The pool drains in tens of milliseconds per hash; a client told to retry sooner would only queue again.
const BUSY_RETRY_MS = 1_000;

/** Waiting logins served in a row before a waiting registration gets its turn. */
export const LOGINS_PER_REGISTRATION = 8;

/** Two bounded priority queues in front of a cap on concurrent hashes. */
export class HashQueue {
  private readonly maxConcurrent: number;
  private readonly maxQueuedLogins: number;
  private readonly maxRegistrations: number;
  private readonly logins: Waiting[] = [];
  private readonly registrations: Waiting[] = [];
  private running = 0;
  private registering = 0;
  private loginsInARow = 0;

  /** @throws RangeError when a cap is not a positive integer. */
  constructor(options: HashQueueOptions = {}) {
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.maxQueuedLogins = options.maxQueuedLogins ?? 256;
    this.maxRegistrations = options.maxRegistrations ?? 16;
    for (const v of [this.maxConcurrent, this.maxQueuedLogins, this.maxRegistrations]) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`HashQueue: ${v} is not a positive integer`);
    }
  }

  /** Hashes running and waiting now; for metrics and tests. */
  get load(): { running: number; queuedLogins: number; queuedRegistrations: number } {
    return { running: this.running, queuedLogins: this.logins.length, queuedRegistrations: this.registrations.length };
  }

  /**
   * Runs `work` once a slot is free and nothing of higher priority waits.
   * @returns what `work` returns.
   * @throws LoginError LOGIN_ERR_UNAVAILABLE when maxQueuedLogins logins already wait;
   *   LOGIN_ERR_REGISTER_BUSY when maxRegistrations registrations already run or wait.
   */
  async run<T>(kind: HashKind, work: () => Promise<T>): Promise<T> {
    if (kind === 'register') {
      if (this.registering >= this.maxRegistrations) {
        throw new LoginError('LOGIN_ERR_REGISTER_BUSY', 'too many registrations in progress', { retryAfterMs: BUSY_RETRY_MS });
      }
      this.registering++;
    }
    try {
      await this.slot(kind);
      try {
        return await work();
      } finally {
        this.running--;
        this.next();
      }
    } finally {
      if (kind === 'register') this.registering--;
    }
  }

  // Resolves once this hash may run, having counted it as running.
  private slot(kind: HashKind): Promise<void> {
    // A freed slot goes straight to a waiting hash, so while any wait no slot is free.
    if (this.running < this.maxConcurrent) {
      this.running++;
      return Promise.resolve();
    }
    const queue = kind === 'login' ? this.logins : this.registrations;
    if (kind === 'login' && queue.length >= this.maxQueuedLogins) {
      return Promise.reject(new LoginError('LOGIN_ERR_UNAVAILABLE', 'too many password checks in progress', { retryAfterMs: BUSY_RETRY_MS }));
    }
    return new Promise((resolve) => queue.push({ start: resolve }));
  }

  // Hands a freed slot to the first waiting login, else (or on a registration's turn) to the first
  // waiting registration.
  private next(): void {
    const registrationTurn = this.registrations.length > 0 && (this.logins.length === 0 || this.loginsInARow >= LOGINS_PER_REGISTRATION);
    const waiting = registrationTurn ? this.registrations.shift() : this.logins.shift();
    if (!waiting) return;
    this.loginsInARow = registrationTurn ? 0 : this.loginsInARow + 1;
    this.running++;
    waiting.start();
  }
}
