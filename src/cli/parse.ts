import { InvalidArgumentError } from "commander";

/** Commander parser for an integer option ≥ min: a bad value is a one-line usage error. */
export function intOption(flag: string, min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} expects an integer ≥ ${min}; got "${value}"`);
    return n;
  };
}

/** Commander parser for a number ≥ min. */
export function numberOption(flag: string, min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${flag} expects a number ≥ ${min}; got "${value}"`);
    return n;
  };
}
