import chalk from "chalk";
import { EXIT_CODES, UserError } from "../errors.js";
import { describeUnwrappedFsError, fsExitCode, fsUserError, isFsError } from "../fsErrors.js";

/**
 * Wrap a command's action: user mistakes print one red line and exit non-zero (never a stack trace);
 * anything else is a bug in attn and keeps its stack so it can be reported.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      reportError(err);
    }
  };
}

export function reportError(err: unknown): never {
  if (err instanceof UserError) {
    process.stderr.write(chalk.red(`error: ${err.message}`) + "\n");
    process.exit(err.exitCode);
  }
  // A file-system fault no command wrapped with its own words (fsErrors.ts): still one line.
  if (isFsError(err)) {
    process.stderr.write(chalk.red(`error: ${describeUnwrappedFsError(err)}`) + "\n");
    process.exit(fsExitCode(err));
  }
  process.stderr.write(chalk.red("internal error (a bug in attn, please report it):") + "\n");
  process.stderr.write(String((err as Error)?.stack ?? err) + "\n");
  process.exit(EXIT_CODES.internal);
}

/**
 * A failing stdout (a full disk behind `> file`) is reported like any other file-system fault,
 * not as an unhandled 'error' event with a stack trace. A reader that stopped reading
 * (`attn translate … | head -1`) is not an error.
 */
export function reportStdoutErrors(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    reportError(fsUserError(err, "write the output", "<stdout>"));
  });
}

/** Exit code 2: the command exists but its implementation has not landed yet. */
export function notImplemented(name: string): never {
  throw new UserError(`'attn ${name}' is not implemented yet`, EXIT_CODES.notImplemented);
}
