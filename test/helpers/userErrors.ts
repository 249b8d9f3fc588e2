import { expect } from "vitest";
import { UserError } from "../../src/errors.js";

/** The UserError `fn` throws, checked to be one line (what the CLI prints); fails the test otherwise. */
export function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toContain("\n");
    return err as UserError;
  }
  throw new Error("expected a UserError");
}
