/**
 * Runs async steps one at a time per key. The session host keys it by uid, so that binding a
 * player and saving and releasing that player's avatar never interleave: a login that arrives
 * while the last logout is still saving waits and then loads what was saved.
 */

/** A mutex per string key; keys with nothing queued cost nothing. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a step running or waiting. */
  get size(): number {
    return this.tails.size;
  }

  /**
   * Runs `step` after every step queued before it under `key`.
   * @returns what the step returned or threw; a failed step does not stop the next one.
   */
  run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(step);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
