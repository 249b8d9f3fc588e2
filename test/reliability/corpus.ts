/**
 * The bad-input corpus: each case runs the real CLI (`node bin/attn.js …`) in a fresh temporary
 * folder and must end with a non-zero exit, exactly one `error: …` line that matches `message`
 * (what went wrong and where: file:line or config path), no stack trace, and — when `after` is
 * given — nothing lost (e.g. the trained run's checkpoints still load).
 *
 * Case files live in test/reliability/cases/, one per class of bad input, each exporting
 * `cases: BadInputCase[]`; test/reliability/corpus.test.ts runs them all.
 */
import type { Run } from "../cli/fixture.js";

/** A tiny run trained once per test file and shared (read-only unless a case copies it). */
export interface SharedRun {
  /** The run folder (checkpoints/last, checkpoints/best, vocab/, config.json …). */
  runDir: string;
  /** The config file it was trained from (inside `taskDir`). */
  config: string;
  /** Folder holding data/{train,valid,test}.tsv and the config. */
  taskDir: string;
}

export interface BadInputCase {
  /** Short description, shown as the test name. */
  name: string;
  /**
   * Prepare whatever files the case needs inside `dir` (a fresh empty folder for this case) and
   * return the CLI arguments, e.g. `["train", "--config", path]`.
   */
  args: (dir: string, shared: SharedRun) => string[] | Promise<string[]>;
  /** Written to stdin (bytes for input that is not UTF-8). */
  input?: string | Uint8Array;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** The one `error:` line must match this (name what and where). */
  message: RegExp;
  /** Expected exit code; any non-zero code when omitted. */
  exitCode?: number;
  /** Working directory for the command (default: `dir`). */
  cwd?: (dir: string, shared: SharedRun) => string;
  /** Extra checks after the run: nothing lost, files as expected. */
  after?: (dir: string, run: Run, shared: SharedRun) => void | Promise<void>;
  /**
   * Always runs last, also when `args`, the run or a check failed: undo what the setup did
   * outside `dir` that removing `dir` cannot undo (e.g. unmount a file system mounted in it).
   */
  cleanup?: (dir: string, shared: SharedRun) => void | Promise<void>;
  /** Per-case timeout for the child process (default 60 s). */
  timeoutMs?: number;
}
