/**
 * File-system faults as user errors: a folder that is a file, a read-only or full disk, a missing
 * file. Node reports them as errno errors ("ENOSPC: no space left on device, write") that name
 * neither the file attn meant nor what it was doing; these helpers turn them into one line that
 * says both (docs/checkpoint-format.md, "When the disk fails").
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { EXIT_CODES, UserError } from "./errors.js";

/** A path as users should see it in messages: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** What each errno code means, in the words of a message ("cannot write X: <reason>"). */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder, expected a file",
  EEXIST: "already exists",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  EIO: "input/output error",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EBUSY: "resource busy",
  ENOTEMPTY: "folder not empty",
};

/** Codes of a failing disk rather than a wrong path: they exit with EXIT_CODES.io. */
const IO_FAULTS = new Set(["ENOSPC", "EDQUOT", "EFBIG", "EIO"]);

/** An errno error from node:fs (it has a string `code` such as "ENOSPC" that this module knows). */
export function isFsError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "string" && Object.hasOwn(REASONS, (err as { code: string }).code);
}

/** "no space left on the device (ENOSPC)" for an errno error; the message for anything else. */
export function fsReason(err: unknown): string {
  // mkdir -p meets a file where a folder should be: "already exists" would be misleading.
  if (isFsError(err) && err.code === "EEXIST" && err.syscall === "mkdir") return "a file is in the way of a folder (EEXIST)";
  if (isFsError(err)) return `${REASONS[err.code]} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * A UserError `<path>: cannot <action>: <reason> (<CODE>)` for an errno error; any other error
 * (a bug, or already a UserError) is returned unchanged so the caller can rethrow it.
 * A full disk or an I/O error exits with EXIT_CODES.io, a wrong path with EXIT_CODES.user.
 */
export function fsUserError(err: unknown, action: string, path: string, hint = ""): unknown {
  if (!isFsError(err)) return err;
  return new UserError(`${displayPath(path)}: cannot ${action}: ${fsReason(err)}${hint ? `; ${hint}` : ""}`, fsExitCode(err));
}

/** Run `fn`; an errno error it throws becomes `fsUserError(err, action, path)`. */
export function withFsErrors<T>(action: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fsUserError(err, action, path);
  }
}

/**
 * `mkdir -p dir`. Node's recursive mkdir reports ENOENT where the real cause is a read-only
 * file system or a missing permission; creating the missing levels one by one surfaces that.
 */
export function makeDirs(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as { code?: unknown }).code !== "ENOENT") throw err;
    const missing: string[] = [];
    for (let p = resolve(dir); !existsSync(p) && dirname(p) !== p; p = dirname(p)) missing.unshift(p);
    // Throws the real error; should every level succeed after all, the folder now exists.
    for (const p of missing) mkdirSync(p);
  }
}

/** For errors nobody wrapped: the one line node's own fields allow (`<path>: cannot <syscall>: <reason>`). */
export function describeUnwrappedFsError(err: NodeJS.ErrnoException & { code: string; dest?: unknown }): string {
  const path = typeof err.path === "string" ? displayPath(err.path) : "(a file)";
  const dest = typeof err.dest === "string" ? ` → ${displayPath(err.dest)}` : "";
  return `${path}${dest}: cannot ${err.syscall ?? "access"}: ${fsReason(err)}`;
}

/** The exit code an errno error gets (see EXIT_CODES). */
export function fsExitCode(err: NodeJS.ErrnoException & { code: string }): number {
  return IO_FAULTS.has(err.code) ? EXIT_CODES.io : EXIT_CODES.user;
}
