/**
 * Where config values came from. A value given with `--set` is easy to mistake for one in the
 * file, so every config error about it says "(from --set)".
 */
export class ValueOrigins {
  /** The dotted paths `--set` assigned; a path covers everything beneath it. */
  constructor(private readonly setPaths: readonly string[] = []) {}

  /** The origins of `--set path=value` overrides (malformed ones are reported by applyOverrides). */
  static fromSets(sets: readonly string[]): ValueOrigins {
    return new ValueOrigins(sets.map((s) => s.slice(0, Math.max(s.indexOf("="), 0))).filter((p) => p !== ""));
  }

  isFromSet(path: string): boolean {
    return this.setPaths.some((p) => path === p || path.startsWith(`${p}.`));
  }

  /** " (from --set)" for a value the command line gave, else "". */
  note(path: string): string {
    return this.isFromSet(path) ? " (from --set)" : "";
  }
}

/** The value at a dotted path of a (validated or raw) config ("" is the whole config), or undefined. */
export function valueAt(config: unknown, path: string): unknown {
  if (path === "") return config;
  return path.split(".").reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), config);
}

/** `path = value (from --set)` — the value shown when it is a number, string, boolean or an array of them (not a section). */
export function showValue(config: unknown, path: string, origins: ValueOrigins): string {
  const v = valueAt(config, path);
  const scalar = (x: unknown) => typeof x === "number" || typeof x === "boolean" || typeof x === "string";
  const shown = scalar(v) || (Array.isArray(v) && v.every(scalar)) ? ` = ${JSON.stringify(v)}` : "";
  return `${path}${shown}${origins.note(path)}`;
}
