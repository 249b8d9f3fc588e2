/**
 * A mistake by the user (bad config, bad input file, bad flag), as opposed to a bug in attn.
 * The CLI prints `message` as one red line and exits non-zero, never a stack trace.
 */
export class UserError extends Error {
  /** Process exit code the CLI uses for this error (one of EXIT_CODES). */
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_CODES.user) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/**
 * The exit codes of attn (documented in README.md, "Exit codes"). 70 and 74 are sysexits.h's
 * EX_SOFTWARE and EX_IOERR; 130 is the shell's 128 + SIGINT.
 */
export const EXIT_CODES = {
  /** A mistake in what was given: config, flags, input files, paths (also read-only or wrong-type paths). */
  user: 1,
  /** The command exists but is not implemented yet. */
  notImplemented: 2,
  /** Training stopped on a NaN/Inf loss or gradient; the message names the checkpoint to use. */
  nonFinite: 3,
  /** A bug in attn (the stack trace is printed). */
  internal: 70,
  /** The disk failed under a correct command: full (ENOSPC), over quota, I/O error. */
  io: 74,
  /** Ctrl-C: training saved checkpoints/last and stopped. */
  interrupted: 130,
} as const;

/**
 * The kernels' WebAssembly memory cannot hold what a computation needs (wasm32 stops at 4 GiB):
 * a problem of the sizes the user chose (batch, sequence length, model), so one line and the
 * user exit code, never a stack trace. Training catches it to save its last checkpoint first.
 */
export class KernelMemoryError extends UserError {
  constructor(
    readonly neededBytes: number,
    limitBytes = 2 ** 32,
  ) {
    super(
      `out of kernel memory: this computation needs ${(neededBytes / 2 ** 30).toFixed(2)} GiB and ${limitBytes === 2 ** 32 ? "WebAssembly allows 4 GiB" : `ATTN_KERNEL_MEMORY_MIB allows ${(limitBytes / 2 ** 30).toFixed(2)} GiB`}; ` +
        `expected smaller batches (training.batchSize or training.maxTokens, --batch-size) or shorter inputs (a Transformer's self-attention grows with the square of the length)`,
    );
    this.name = "KernelMemoryError";
  }
}
