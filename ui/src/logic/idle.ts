// Locks the console after a while without keyboard or mouse use, so a parent who walks away
// does not leave it open for the child.

export class IdleLock {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly after: number,
    private readonly onIdle: () => void,
  ) {}

  /** Starts (or restarts) the countdown. */
  touch(): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onIdle();
    }, this.after);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }
}
