import chalk from "chalk";
import cliProgress from "cli-progress";

export interface ProgressValues {
  step: number;
  epoch: number;
  loss: number;
  tokensPerSecond: number;
  lr: number;
}

/**
 * The training display: a cli-progress bar on a terminal (loss, tokens/s, learning rate, ETA),
 * plain lines when stderr is not a terminal, nothing with --quiet. Output goes to stderr so stdout
 * stays clean for scripts.
 */
export class TrainingProgress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly tty: boolean;
  private value = 0;
  private payload: Record<string, string> = { epoch: "1", loss: "-", tps: "-", lr: "-" };

  constructor(private readonly quiet: boolean, private total: number) {
    this.tty = Boolean(process.stderr.isTTY);
  }

  start(startStep: number): void {
    if (this.quiet || !this.tty) return;
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
    this.value = startStep;
    this.bar.start(this.total, startStep, this.payload);
  }

  update(v: ProgressValues): void {
    this.value = v.step;
    this.payload = { epoch: String(v.epoch + 1), loss: v.loss.toFixed(4), tps: Math.round(v.tokensPerSecond).toString(), lr: v.lr.toExponential(2) };
    this.bar?.update(v.step, this.payload);
  }

  /** A message above the bar (validation results, warnings). */
  log(line: string): void {
    if (this.quiet) return;
    if (this.bar) {
      // Clear the bar's line, print the message, and redraw the bar below it.
      this.bar.stop();
      process.stderr.write("\x1b[1A\x1b[2K" + line + "\n");
      this.bar.start(this.total, this.value, this.payload);
    } else {
      process.stderr.write(line + "\n");
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
