import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_CODES, UserError } from "../src/errors.js";
import { describeUnwrappedFsError, fsUserError, isFsError, makeDirs, withFsErrors } from "../src/fsErrors.js";
import { tempFolder } from "./cli/fixture.js";
import { mountTmpfs, unmount } from "./reliability/mounts.js";

const root = tempFolder("fserrors");

/** The error a real file-system call throws. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("fsUserError", () => {
  const file = join(root, "a-file");
  writeFileSync(file, "x");

  it("names the path and the action, with the errno code; a wrong path exits 1", () => {
    const err = fsUserError(thrownBy(() => mkdirSync(join(file, "sub"))), "create the output folder", join(file, "sub"));
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`${join(file, "sub")}: cannot create the output folder: a part of the path is a file, not a folder (ENOTDIR)`);
    expect((err as UserError).exitCode).toBe(EXIT_CODES.user);
  });

  it("gives a full disk the I/O exit code 74, with a hint when one is given", () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write" });
    const err = fsUserError(full, "save the checkpoint", "runs/x/checkpoints/last", "the previous checkpoint is kept") as UserError;
    expect(err.message).toBe("runs/x/checkpoints/last: cannot save the checkpoint: no space left on the device (ENOSPC); the previous checkpoint is kept");
    expect(err.exitCode).toBe(EXIT_CODES.io);
  });

  it("passes bugs and UserErrors through unchanged", () => {
    const bug = new TypeError("x is undefined");
    expect(fsUserError(bug, "read", "f")).toBe(bug);
    const user = new UserError("already explained");
    expect(withFsErrorsThrown(user)).toBe(user);
    expect(isFsError(Object.assign(new Error("odd"), { code: "ERR_SOMETHING" }))).toBe(false);
  });

  it("describes an errno error nobody wrapped from node's own fields, in one line", () => {
    const err = thrownBy(() => mkdirSync(join(file, "sub")));
    expect(isFsError(err)).toBe(true);
    expect(describeUnwrappedFsError(err as NodeJS.ErrnoException & { code: string })).toBe(`${join(file, "sub")}: cannot mkdir: a part of the path is a file, not a folder (ENOTDIR)`);
  });
});

function withFsErrorsThrown(err: unknown): unknown {
  return thrownBy(() =>
    withFsErrors("read", "f", () => {
      throw err;
    }),
  );
}

describe("makeDirs", () => {
  it("creates missing parents and accepts an existing folder", () => {
    const deep = join(root, "x", "y", "z");
    makeDirs(deep);
    makeDirs(deep);
    expect(() => makeDirs(join(root, "x"))).not.toThrow();
  });

  // Node's recursive mkdir says ENOENT on a read-only file system; makeDirs says what really failed.
  it("reports EROFS, not ENOENT, on a read-only file system", () => {
    const ro = join(root, "ro");
    mountTmpfs(ro, "64k", { readOnly: true });
    try {
      expect((thrownBy(() => makeDirs(join(ro, "a", "b"))) as NodeJS.ErrnoException).code).toBe("EROFS");
    } finally {
      unmount(ro);
    }
  });
});
