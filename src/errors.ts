/**
 * A mistake by the user (bad config, bad input file, bad flag), as opposed to a bug in attn.
 * The CLI prints `message` as one red line and exits non-zero, never a stack trace.
 */
export class UserError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}
