import chalk from "chalk";
import { UserError } from "../errors.js";

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
  const e = err as { code?: string; message?: string; path?: string };
  if (e && (e.code === "ENOENT" || e.code === "EACCES" || e.code === "EISDIR")) {
    process.stderr.write(chalk.red(`error: ${e.message ?? String(err)}`) + "\n");
    process.exit(1);
  }
  process.stderr.write(chalk.red("internal error (a bug in attn, please report it):") + "\n");
  process.stderr.write(String((err as Error)?.stack ?? err) + "\n");
  process.exit(70);
}

/** Exit code 2: the command exists but its implementation has not landed yet. */
export function notImplemented(name: string): never {
  throw new UserError(`'attn ${name}' is not implemented yet`, 2);
}
