/**
 * Small tmpfs file systems for the file-system fault cases: read-only ones (root ignores
 * permission bits, so chmod cannot make a folder read-only for the tests) and full ones. Needs
 * root and Linux (CI runs as root).
 *
 * Every mount is recorded; `unmount` (called from each case's `cleanup`) removes it, and a
 * process exit handler lazily unmounts whatever a crashed test left, so no mount outlives the run.
 */
import { execFileSync } from "node:child_process";
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";

const mounted = new Set<string>();

process.on("exit", () => {
  for (const dir of mounted) run("umount", ["-l", dir]);
});

function run(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Mount a fresh tmpfs of `size` (e.g. "2m") at `dir`, creating the folder. */
export function mountTmpfs(dir: string, size: string, opts: { readOnly?: boolean } = {}): void {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}${opts.readOnly ? ",ro" : ""}`, "tmpfs", abs]);
  mounted.add(abs);
}

/** Make a tmpfs mounted by `mountTmpfs` read-only (after filling it with what a case needs). */
export function remountReadOnly(dir: string): void {
  execFileSync("mount", ["-o", "remount,ro", resolve(dir)]);
}

/** Unmount what `mountTmpfs` mounted at `dir`; a no-op when nothing is mounted there. */
export function unmount(dir: string): void {
  const abs = resolve(dir);
  if (!mounted.has(abs)) return;
  // A busy mount (a child still holding a file) is detached lazily rather than left behind.
  if (!run("umount", [abs])) run("umount", ["-l", abs]);
  mounted.delete(abs);
}

/** Fill the file system holding `dir` with `dir/filler` until about `keepBytes` stay free. */
export function fillDisk(dir: string, keepBytes = 0): void {
  const fd = openSync(join(dir, "filler"), "w");
  try {
    const chunk = Buffer.alloc(4096, 0x2e);
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
        break;
      }
    }
    ftruncateSync(fd, Math.max(0, fstatSync(fd).size - keepBytes));
  } finally {
    closeSync(fd);
  }
}
