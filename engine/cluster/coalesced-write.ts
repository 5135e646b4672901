/**
 * Runs a write one at a time. Calls made while one runs share a single next run, which writes
 * whatever is current by then: ten load reports in quick succession cost at most two writes, and
 * the last report is always written.
 */
export class CoalescedWrite {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  /** @param write reads the current state itself each time it runs. */
  constructor(private readonly write: () => Promise<void>) {}

  /** Resolves when a write that started after this call has finished; rejects with its error. */
  run(): Promise<void> {
    if (this.next) return this.next;
    if (this.running) {
      const after = this.running.then(
        () => undefined,
        () => undefined,
      );
      this.next = after.then(() => {
        this.next = undefined;
        return this.run();
      });
      return this.next;
    }
    const running = this.write();
    this.running = running;
    const clear = (): void => {
      if (this.running === running) this.running = undefined;
    };
    // Registered before any `next` chains onto it, so `running` is clear by the time they run.
    running.then(clear, clear);
    return running;
  }
}
