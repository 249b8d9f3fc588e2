import chalk from "chalk";
import cliProgress from "cli-progress";

export interface ProgressValues {
  step: number;
  epoch: number;
  loss: number;
  tokensPerSecond: number;
  lr: number;
}

/** What a plain progress line shows (the values of a metrics.jsonl train record). */
export interface LoggedValues extends ProgressValues {
  /** Wall time of the whole run so far, earlier sessions of a resumed run included. */
  elapsedSeconds: number;
}

export interface ProgressOptions {
  /** Nothing but warnings (--quiet). */
  quiet: boolean;
  /** The step training will stop at (for the bar and the ETA). */
  total: number;
  /** training.maxMinutes in seconds: the ETA never exceeds the time left. */
  maxSeconds?: number;
  /** Where lines go when there is no bar (default: stderr). */
  write?: (line: string) => void;
  /** Draw a bar; default: whether stderr is a terminal. */
  tty?: boolean;
  /** Clock in milliseconds (default Date.now; tests pass their own). */
  now?: () => number;
}

/**
 * The training display, on stderr so stdout stays clean for scripts. On a terminal: a
 * cli-progress bar (loss, tokens/s, learning rate, ETA). Elsewhere (CI, nohup, notebooks), where
 * a bar would be a stream of carriage returns or nothing: a plain line every training.logEvery
 * steps (`logged`). With --quiet: only warnings.
 */
export class TrainingProgress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly tty: boolean;
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private value = 0;
  private payload: Record<string, string> = { epoch: "1", loss: "-", tps: "-", lr: "-" };
  private sessionStart = { step: 0, time: 0 };

  constructor(private readonly opts: ProgressOptions) {
    this.tty = opts.tty ?? Boolean(process.stderr.isTTY);
    this.write = opts.write ?? ((line) => process.stderr.write(line + "\n"));
    this.now = opts.now ?? Date.now;
  }

  start(startStep: number): void {
    this.sessionStart = { step: startStep, time: this.now() };
    this.value = startStep;
    if (this.opts.quiet || !this.tty) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${chalk.cyan("{bar}")} {percentage}% | step {value}/{total} | epoch {epoch} | loss {loss} | {tps} tok/s | lr {lr} | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(this.opts.total, startStep, this.payload);
  }

  /** Every step: moves the bar. */
  update(v: ProgressValues): void {
    this.value = v.step;
    this.payload = { epoch: String(v.epoch + 1), loss: v.loss.toFixed(4), tps: Math.round(v.tokensPerSecond).toString(), lr: v.lr.toExponential(2) };
    this.bar?.update(v.step, this.payload);
  }

  /** Every logEvery steps: the plain progress line when there is no bar. */
  logged(v: LoggedValues): void {
    if (this.opts.quiet || this.tty) return;
    const eta = this.etaSeconds(v.step, v.elapsedSeconds);
    this.write(
      `step ${v.step}/${this.opts.total} (epoch ${v.epoch + 1}) | loss ${v.loss.toFixed(4)} | ${Math.round(v.tokensPerSecond)} tok/s | lr ${v.lr.toExponential(2)} | ` +
        `elapsed ${formatSeconds(v.elapsedSeconds)} | ETA ${eta === null ? "-" : formatSeconds(eta)}`,
    );
  }

  /** Seconds left at this session's pace, capped by the time limit; null before the first step. */
  etaSeconds(step: number, elapsedSeconds: number): number | null {
    const done = step - this.sessionStart.step;
    if (done <= 0) return null;
    const perStep = (this.now() - this.sessionStart.time) / 1000 / done;
    const bySteps = perStep * Math.max(0, this.opts.total - step);
    return this.opts.maxSeconds === undefined ? bySteps : Math.max(0, Math.min(bySteps, this.opts.maxSeconds - elapsedSeconds));
  }

  /** A message above the bar (validation results); nothing with --quiet. */
  log(line: string): void {
    if (!this.opts.quiet) this.print(line);
  }

  /** A message that shows even with --quiet (divergence, no validation). */
  warn(line: string): void {
    this.print(line);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private print(line: string): void {
    if (this.bar) {
      // Clear the bar's line, print the message, and redraw the bar below it.
      this.bar.stop();
      process.stderr.write("\x1b[1A\x1b[2K" + line + "\n");
      this.bar.start(this.opts.total, this.value, this.payload);
    } else {
      this.write(line);
    }
  }
}

/** "12.3 s", "4 min 5 s". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}
