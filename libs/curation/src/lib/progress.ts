/**
 * Files per second over a moving window, for the progress bar. The clock starts when the run does
 * (not at the first finished file), so one slow first file reads as slow, and the window forgets
 * the model-loading start once it has `window` files.
 */
export class RateMeter {
  private readonly times: number[];

  constructor(
    private readonly window = 20,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.times = [this.now()];
  }

  /** Records one finished file. */
  tick(): void {
    this.times.push(this.now());
    if (this.times.length > this.window + 1) this.times.shift();
  }

  /** Files per second over the window (0 before the first file). */
  rate(): number {
    const files = this.times.length - 1;
    const seconds = (this.now() - this.times[0]) / 1000;
    return files > 0 && seconds > 0 ? files / seconds : 0;
  }

  /** Seconds left for `remaining` files at the current rate; null while there is no rate yet. */
  etaSeconds(remaining: number): number | null {
    const rate = this.rate();
    return rate > 0 ? remaining / rate : null;
  }
}
