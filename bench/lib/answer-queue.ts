/**
 * The requests of one echo client that wait for their answers, oldest first: echo servers answer
 * in order, so each answer settles the oldest request without an id on the wire.
 */
export class AnswerQueue {
  private readonly waiting: Array<() => void> = [];
  private head = 0;

  /** How many requests wait for an answer. */
  get size(): number {
    return this.waiting.length - this.head;
  }

  /** A promise that resolves with the answer to a request sent now. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * Settles the `count` oldest waiting requests (default 1).
   * @throws RangeError when fewer than `count` wait: the server answered what was never sent.
   */
  answer(count = 1): void {
    if (count > this.size) throw new RangeError(`${count} answers for ${this.size} waiting requests`);
    for (let i = 0; i < count; i++) this.waiting[this.head++]!();
    // Drop the settled ones now and then rather than shifting at every answer.
    if (this.head > 65_536) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }
}
