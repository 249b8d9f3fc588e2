import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { UserError } from "../errors.js";
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

/** Read and JSON-parse a config file; errors name the file and line:column. */
export function readConfigJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UserError(code === "ENOENT" ? `config file not found: ${path}` : `cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? `${path}:${lineCol(text, Number(m[1]))}` : path;
    throw new UserError(`${where}: invalid JSON (${msg.replace(/ in JSON at position \d+.*$/, "")})`);
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

/** Apply `a.b.c=value` overrides to a raw (unvalidated) config object, in order. */
export function applyOverrides(raw: unknown, sets: readonly string[]): unknown {
  const root = (raw && typeof raw === "object" ? structuredClone(raw) : {}) as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UserError(`--set ${s}: expected path=value, e.g. --set training.maxSteps=100`);
    const path = s.slice(0, eq).split(".");
    if (path.some((p) => p === "")) throw new UserError(`--set ${s}: empty key in path "${s.slice(0, eq)}"`);
    let node = root;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
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

/** One line per zod issue: `json.path: expected …; got …`. */
export function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String);
  const at = (p: string[]): unknown => p.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), input);
  const where = path.length > 0 ? path.join(".") : "(config)";
  const got = describeReceived(at(path));
  switch (issue.code) {
    case "invalid_value":
      return `${where}: expected one of ${issue.values.map(String).join(" | ")}; got ${got}`;
    case "unrecognized_keys": {
      const keys = issue.keys.map((k) => `"${k}"`).join(", ");
      return `${where === "(config)" ? "(config)" : where}: unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
    }
    case "invalid_type":
      return got === "nothing" ? `${where}: required (expected ${issue.expected})` : `${where}: expected ${issue.expected}; got ${got}`;
    case "too_small":
    case "too_big":
    case "invalid_format":
    case "not_multiple_of":
    case "custom":
    default:
      return `${where}: ${issue.message}; got ${got}`;
  }
}

/** Validate a raw config object; a failure is a UserError listing each problem on its own line. */
export function validateConfig(raw: unknown, source: string): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => formatIssue(i, raw));
    throw new UserError(`${source}: ${lines.join(`\n${source}: `)}`);
  }
  const config = result.data;
  checkCombinations(config, source);
  return config;
}

/** Rules that span several fields. */
function checkCombinations(c: Config, source: string): void {
  const fail = (msg: string): never => {
    throw new UserError(`${source}: ${msg}`);
  };
  if (!c.data.path && !c.data.train) fail('data: expected "path" (one corpus to split) or "train" (with optional "valid" and "test")');
  if (c.data.path && c.data.train) fail('data: give either "path" or "train", not both');
  const enc = c.model.encoder.type;
  const dec = c.model.decoder.type;
  if (dec === "transformer" && enc !== "transformer") fail(`model.decoder.type: "transformer" needs model.encoder.type "transformer"; got "${enc}"`);
  if (enc === "transformer" && dec !== "transformer") fail(`model.encoder.type: "transformer" needs model.decoder.type "transformer"; got "${dec}"`);
  if (c.vocab.shared && c.tokenizer.source.type !== c.tokenizer.target.type) {
    fail(`vocab.shared: a shared vocabulary needs the same tokenizer type on both sides; got ${c.tokenizer.source.type} and ${c.tokenizer.target.type}`);
  }
  const { score, scope } = c.model.attention;
  if (enc === "transformer") {
    const d = c.model.encoder.hiddenSize;
    if (c.model.decoder.hiddenSize !== d) fail(`model.decoder.hiddenSize: the Transformer's decoder works in d_model = model.encoder.hiddenSize = ${d}; got ${c.model.decoder.hiddenSize}`);
    if (c.training.scheduledSampling > 0) fail("training.scheduledSampling: not available for the Transformer (its teacher-forced pass is parallel over positions); expected 0");
    if (d % c.model.transformer.heads !== 0) fail(`model.transformer.heads: d_model ${d} must be divisible by the number of heads; got ${c.model.transformer.heads}`);
  }
  if (dec === "none" && c.model.decoder.bridge === "none") fail('model.decoder.bridge: the "none" decoder sees the source only through the bridge; expected "linear-tanh"');
  if (scope === "local-p" && c.model.attention.window < 1) fail("model.attention.window: local-p needs a window of at least 1 (σ = D/2)");
  if (dec === "bahdanau" && scope !== "global") fail(`model.attention.scope: local attention is Luong's (decoder "luong"); got "${scope}" with decoder "bahdanau"`);
  if (enc !== "transformer" && dec !== "none" && (score === "dot" || score === "scaled-dot")) {
    const keySize = c.model.encoder.hiddenSize * (c.model.encoder.bidirectional ? 2 : 1);
    if (keySize !== c.model.decoder.hiddenSize) {
      fail(`model.attention.score: "${score}" compares decoder states with encoder outputs directly, so model.decoder.hiddenSize must equal the encoder output size ${keySize} (hiddenSize × directions); got ${c.model.decoder.hiddenSize}`);
    }
  }
}

/** Load a config file, apply --set overrides, validate. */
export function loadConfig(path: string, sets: readonly string[] = []): LoadedConfig {
  const raw = applyOverrides(readConfigJson(path), sets);
  const config = validateConfig(raw, path);
  return { config, baseDir: dirname(resolve(path)), source: path };
}
