import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../timer/clock.js';
import { CookieJar } from './cookie-jar.js';

const nonce = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

describe('CookieJar', () => {
  it('accepts its own cookie for the same address and nonce, and nothing else', () => {
    const jar = new CookieJar({ clock: new ManualClock() });
    const cookie = jar.mint('10.0.0.1:5000', nonce);
    expect(jar.verify('10.0.0.1:5000', nonce, cookie)).toBe(true);
    expect(jar.verify('10.0.0.1:5001', nonce, cookie)).toBe(false);
    expect(jar.verify('10.0.0.1:5000', Uint8Array.from([8, 7, 6, 5, 4, 3, 2, 1]), cookie)).toBe(false);
    const forged = cookie.slice();
    forged[10]! ^= 1;
    expect(jar.verify('10.0.0.1:5000', nonce, forged)).toBe(false);
    expect(jar.verify('10.0.0.1:5000', nonce, cookie.subarray(0, 19))).toBe(false);
  });

  it('refuses a cookie from another jar (another server, or this one restarted)', () => {
    const clock = new ManualClock();
    const cookie = new CookieJar({ clock }).mint('a:1', nonce);
    expect(new CookieJar({ clock }).verify('a:1', nonce, cookie)).toBe(false);
  });

  it('accepts a cookie in its epoch and the next, and refuses it after', () => {
    const clock = new ManualClock(0);
    const jar = new CookieJar({ clock, epochMs: 1_000 });
    const cookie = jar.mint('a:1', nonce);
    clock.advance(1_500);
    expect(jar.verify('a:1', nonce, cookie)).toBe(true);
    clock.advance(1_000);
    expect(jar.verify('a:1', nonce, cookie)).toBe(false);
  });

  it('is the same for the same master key, so that a fleet behind one address can share it', () => {
    const clock = new ManualClock();
    const masterKey = new Uint8Array(32).fill(5);
    const cookie = new CookieJar({ clock, masterKey }).mint('a:1', nonce);
    expect(new CookieJar({ clock, masterKey }).verify('a:1', nonce, cookie)).toBe(true);
  });
});
