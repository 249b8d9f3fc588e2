import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { decodeUtf8Lines } from "../data/readers/lines.js";
import { UserError } from "../errors.js";
import { fsUserError } from "../fsErrors.js";
import { checkLimits } from "./limits.js";
import { ValueOrigins, valueAt } from "./origins.js";
import { checkRules } from "./rules.js";
import { ConfigSchema, type Config } from "./schema.js";

/** A validated config plus where it came from (relative data paths resolve against `baseDir`). */
export interface LoadedConfig {
  config: Config;
  baseDir: string;
  source: string;
}

/** "line L, column C" for a character offset in a text. */
function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return `${line}:${col}`;
}

/**
 * Read and JSON-parse a config file; errors name the file and line:column. A UTF-8 BOM (as
 * Windows editors write) is accepted like in data files; bytes that are not UTF-8 are an error.
 */
export function readConfigJson(path: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") throw new UserError(`config file not found: ${path}`);
    throw fsUserError(err, "read the config file", path);
  }
  // Lines joined with "\n" keep JSON's meaning and the line:column of parse errors.
  const text = decodeUtf8Lines(bytes, path).join("\n");
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? `${path}:${lineCol(text, Number(m[1]))}` : path;
    // Some parser messages quote the text around the error, line breaks included: keep one line.
    throw new UserError(`${where}: invalid JSON (${msg.replace(/ in JSON at position \d+.*$/, "").replace(/\s+/g, " ")})`);
  }
}

/** Parse a `--set path=value` override's value: JSON when it parses (numbers, booleans, null, arrays), else a plain string. */
function parseOverrideValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Apply `a.b.c=value` overrides to a raw (unvalidated) config object, in order. */
export function applyOverrides(raw: unknown, sets: readonly string[]): unknown {
  const root = (raw && typeof raw === "object" ? structuredClone(raw) : {}) as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UserError(`--set ${s}: expected path=value, e.g. --set training.maxSteps=100`);
    const path = s.slice(0, eq).split(".");
    if (path.some((p) => p === "")) throw new UserError(`--set ${s}: empty key in path "${s.slice(0, eq)}"`);
    // These keys would reach Object.prototype (polluting every object of the process), not the config.
    const forbidden = path.find((p) => FORBIDDEN_KEYS.has(p));
    if (forbidden !== undefined) throw new UserError(`--set ${s}: "${forbidden}" is not a config key (${[...FORBIDDEN_KEYS].join(", ")} are refused); see docs/config.md`);
    let node = root;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined) node[key] = {};
      else if (typeof next !== "object" || next === null || Array.isArray(next)) {
        throw new UserError(`--set ${s}: "${key}" is not an object in the config`);
      }
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = parseOverrideValue(s.slice(eq + 1));
  }
  return root;
}

function describeReceived(input: unknown): string {
  if (input === undefined) return "nothing";
  if (typeof input === "string") return JSON.stringify(input);
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "object") return "an object";
  return String(input);
}

/** One line per zod issue: `json.path: expected …; got … (from --set)`. */
export function formatIssue(issue: z.core.$ZodIssue, input: unknown, origins: ValueOrigins = new ValueOrigins()): string {
  const path = issue.path.map(String);
  const where = path.length > 0 ? path.join(".") : "(config)";
  const got = describeReceived(valueAt(input, path.join("."))) + origins.note(path.join("."));
  switch (issue.code) {
    case "invalid_value":
      return `${where}: expected one of ${issue.values.map(String).join(" | ")}; got ${got}`;
    case "unrecognized_keys": {
      const keys = issue.keys.map((k) => `"${k}"`).join(", ");
      const from = issue.keys.some((k) => origins.isFromSet(path.concat(k).join("."))) ? " (from --set)" : "";
      return `${where === "(config)" ? "(config)" : where}: unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}${from}`;
    }
    case "invalid_type":
      return got.startsWith("nothing") ? `${where}: required (expected ${issue.expected})` : `${where}: expected ${issue.expected}; got ${got}`;
    case "too_small":
    case "too_big":
    case "invalid_format":
    case "not_multiple_of":
    case "custom":
    default:
      return `${where}: ${issue.message}; got ${got}`;
  }
}

/**
 * Validate a raw config object: the schema, then the size limits (src/config/limits.ts), then
 * the rules across options (src/config/rules.ts). A failure is a UserError listing each problem
 * on its own line, each naming the option and, for values given by --set, saying so.
 */
export function validateConfig(raw: unknown, source: string, origins: ValueOrigins = new ValueOrigins()): Config {
  const fail = (lines: string[]): never => {
    throw new UserError(`${source}: ${lines.join(`\n${source}: `)}`);
  };
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) fail(result.error.issues.map((i) => formatIssue(i, raw, origins)));
  const config = result.data!;
  const tooLarge = checkLimits(config, origins);
  if (tooLarge.length > 0) fail(tooLarge);
  const broken = checkRules(config, origins);
  if (broken.length > 0) fail(broken);
  return config;
}

/** Load a config file, apply --set overrides, validate. */
export function loadConfig(path: string, sets: readonly string[] = []): LoadedConfig {
  const raw = applyOverrides(readConfigJson(path), sets);
  const config = validateConfig(raw, path, ValueOrigins.fromSets(sets));
  return { config, baseDir: dirname(resolve(path)), source: path };
}
