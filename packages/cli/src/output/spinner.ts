/**
 * A progress line on standard error for long waits (`workflow execute`, `show --follow`):
 * a spinner and a message, redrawn in place. Only on a terminal, never in JSON output
 * modes, so pipes and scripts see nothing of it.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;

export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private message = '';

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Shows `message` with a turning spinner until `stop`. */
  start(message: string): void {
    this.message = message;
    if (!this.enabled || this.timer !== undefined) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), FRAME_MS);
    this.timer.unref();
  }

  /** Changes the message of a running spinner. */
  update(message: string): void {
    this.message = message;
  }

  /** Clears the line. Safe to call when never started. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write('\r\u001b[2K');
  }

  /** Runs `work` with the spinner showing `message`, and clears it however `work` ends. */
  async during<T>(message: string, work: () => Promise<T>): Promise<T> {
    this.start(message);
    try {
      return await work();
    } finally {
      this.stop();
    }
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.stream.write(`\r\u001b[2K${FRAMES[this.frame]} ${this.message}`);
  }
}
