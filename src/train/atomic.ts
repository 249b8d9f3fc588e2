/**
 * Crash-safe writes: a reader (or a resumed run) sees either the complete old version or the
 * complete new version of a file or folder, never a half-written one.
 *
 * Files: write a temporary sibling `.<name>.tmp-<pid>-<n>`, fsync it, rename it over `<name>`
 * (rename is atomic within a filesystem), then fsync the parent folder so the rename is durable.
 *
 * Folders (a checkpoint is three files that must match each other), in `writeDirAtomic`:
 *   0. recover from any earlier crash (`recoverDir`, below);
 *   1. create `.<name>.tmp-<pid>-<n>` and let the caller fill it; fsync it;
 *      — a failure here removes the temporary folder and leaves `<name>` untouched;
 *   2. rename the current `<name>` (if any) to `.<name>.old`;
 *   3. rename the temporary folder to `<name>`; fsync the parent;
 *   4. remove `.<name>.old`.
 * A crash can leave these states behind, which `recoverDir` repairs:
 *   - `.<name>.tmp-*` folders (crash in 1, 2 or 3): removed, unless their pid is another live
 *     process (which may still be writing);
 *   - `.<name>.old` without `<name>` (crash between 2 and 3): renamed back to `<name>`, so the
 *     previous complete version is restored;
 *   - `.<name>.old` beside `<name>` (crash in 4): removed, `<name>` is the new version.
 * Readers that must not modify the disk can fall back to `.<name>.old` themselves while
 * `<name>` is missing (see `oldSibling`).
 *
 * Everything is synchronous: the trainer saves between steps, and a synchronous save cannot
 * interleave with another write of the same folder by this process.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

let counter = 0;

/** A fresh temporary sibling name of `path`: `<dir>/.<name>.tmp-<pid>-<n>`. */
export function tempSibling(path: string): string {
  const abs = resolve(path);
  return join(dirname(abs), `.${basename(abs)}.tmp-${process.pid}-${counter++}`);
}

/** Where `writeDirAtomic` parks the previous version of `dir` while swapping: `<parent>/.<name>.old`. */
export function oldSibling(dir: string): string {
  const abs = resolve(dir);
  return join(dirname(abs), `.${basename(abs)}.old`);
}

/**
 * Write `data` (bytes, a string as UTF-8, or a list of byte chunks written in order) to `path`
 * atomically. The parent folder is created if needed.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const target = resolve(path);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = tempSibling(target);
  const chunks = typeof data === "string" ? [Buffer.from(data, "utf8")] : data instanceof Uint8Array ? [data] : data;
  let fd: number | null = openSync(tmp, "wx");
  try {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) closeQuietly(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  fsyncDir(parent);
}

/**
 * Replace the folder `dir` atomically with one that `fill` writes into the temporary folder it
 * is given (see the protocol above). If `fill` throws, `dir` is left as it was and the error is
 * rethrown.
 */
export function writeDirAtomic(dir: string, fill: (tmpDir: string) => void): void {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  recoverDir(target);
  const tmp = tempSibling(target);
  mkdirSync(tmp);
  try {
    fill(tmp);
    fsyncDir(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = oldSibling(target);
  const hadOld = existsSync(target);
  try {
    if (hadOld) renameSync(target, old);
    renameSync(tmp, target);
  } catch (err) {
    if (hadOld && existsSync(old) && !existsSync(target)) renameSync(old, target);
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  fsyncDir(parent);
  rmSync(old, { recursive: true, force: true });
}

/** What `recoverDir` did, for logging. */
export interface RecoveryReport {
  /** The previous version was restored from `.<name>.old`. */
  restored: boolean;
  /** Leftover folders (temporary or `.old`) that were removed. */
  removed: string[];
}

/**
 * Repair what an interrupted `writeDirAtomic(dir, …)` left behind (see the protocol above).
 * Safe to call at any time when no other process is writing `dir`; a no-op when nothing is left.
 */
export function recoverDir(dir: string): RecoveryReport {
  const target = resolve(dir);
  const parent = dirname(target);
  const report: RecoveryReport = { restored: false, removed: [] };
  if (!existsSync(parent)) return report;
  const old = oldSibling(target);
  if (existsSync(old)) {
    if (existsSync(target)) {
      rmSync(old, { recursive: true, force: true });
      report.removed.push(old);
    } else {
      renameSync(old, target);
      report.restored = true;
    }
  }
  const prefix = `.${basename(target)}.tmp-`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    report.removed.push(join(parent, name));
  }
  if (report.restored || report.removed.length > 0) fsyncDir(parent);
  return report;
}

function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Make a folder's entries (new names, renames) durable. Not supported everywhere (Windows): best effort. */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EISDIR/EPERM/EINVAL on filesystems that cannot sync folders
  } finally {
    closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing useful to do
  }
}
