import { z } from "zod";
import { SIZE_LIMITS } from "./limits.js";
import { FIXED_ON_RESUME, RESUMABLE } from "./resume.js";
import { CONFIG_RULES } from "./rules.js";
import { ConfigSchema } from "./schema.js";

/**
 * docs/config.md, generated from the zod schema (`npm run docs:config`), so the documented
 * options and defaults cannot drift from what the validator accepts; a test compares the file
 * with this output.
 */
interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
}

/** The type column; `path` adds the option's upper bound from SIZE_LIMITS. */
function typeOf(s: JsonSchema, path = ""): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (s.anyOf) return s.anyOf.map((x) => typeOf(x)).join(" or ");
  if (s.prefixItems) return `[${s.prefixItems.map((x) => typeOf(x)).join(", ")}]`;
  if (s.type === "object" && s.properties) return `{ ${Object.keys(s.properties).map((k) => `"${k}"`).join(", ")} }`;
  let t = Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "any");
  const range: string[] = [];
  if (s.minimum !== undefined && s.minimum > -1e15) range.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) range.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.maximum < 1e15) range.push(`≤ ${s.maximum}`);
  const limit = SIZE_LIMITS[path];
  if (limit !== undefined) range.push(`≤ ${limit}`);
  if (s.exclusiveMaximum !== undefined) range.push(`< ${s.exclusiveMaximum}`);
  if (range.length > 0) t += ` (${range.join(", ")})`;
  return t;
}

/** Markdown-safe prose: angle brackets would be read as HTML tags (<pad>, <s>). */
function prose(text: string | undefined): string {
  return (text ?? "").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function isSection(s: JsonSchema): boolean {
  return s.type === "object" && s.properties !== undefined;
}

function rows(schema: JsonSchema, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isSection(child)) {
      rows(child, path, out);
      continue;
    }
    const required = schema.required?.includes(key) && child.default === undefined;
    const def = child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : required ? "**required**" : "—";
    out.push(`| \`${path}\` | ${typeOf(child, path)} | ${def} | ${prose(child.description)} |`);
  }
}

export function renderConfigDocs(): string {
  const root = z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const lines: string[] = [
    "# attn configuration reference",
    "",
    "<!-- Generated from src/config/schema.ts by `npm run docs:config`; do not edit by hand. -->",
    "",
    "A run is described by one JSON file. Every key below is optional unless marked **required**;",
    "unknown keys are rejected with their JSON path. Relative data paths resolve against the config",
    "file's folder. Any value can be overridden on the command line with",
    "`attn train --config FILE --set path=value` (repeatable; the value is parsed as JSON when it",
    "parses, else taken as a string), and is validated exactly like the file. The file is UTF-8 (a",
    "BOM is accepted; other encodings are an error naming file:line). Path keys `__proto__`,",
    "`constructor` and `prototype` are refused in `--set`: they would reach JavaScript's object",
    "prototypes, not the config.",
    "",
  ];
  const top: string[] = [];
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    if (isSection(child)) continue;
    const def = child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : "—";
    top.push(`| \`${key}\` | ${typeOf(child, key)} | ${def} | ${prose(child.description)} |`);
  }
  lines.push("## Top level", "", "| key | type | default | meaning |", "|---|---|---|---|", ...top, "");
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    if (!isSection(child)) continue;
    const body: string[] = [];
    rows(child, key, body);
    lines.push(`## \`${key}\``, "", prose(child.description), "", "| key | type | default | meaning |", "|---|---|---|---|", ...body, "");
  }
  lines.push(...rulesSection(), ...resumeSection());
  return lines.join("\n");
}

/** The rules across options (src/config/rules.ts). */
function rulesSection(): string[] {
  return [
    "## Rules across options",
    "",
    "Checked with the bounds above before anything is built; an error names the option, its value, and says `(from --set)` when the command line gave it.",
    "",
    "| option | rule |",
    "|---|---|",
    ...CONFIG_RULES.map((r) => `| \`${r.path}\` | ${prose(r.doc)} |`),
    "",
  ];
}

/** What `--resume` may change (src/config/resume.ts). */
function resumeSection(): string[] {
  const table = (t: Readonly<Record<string, string>>) => Object.entries(t).map(([path, what]) => `| \`${path}\` | ${prose(what)} |`);
  return [
    "## Resuming a run",
    "",
    "`attn train --resume RUN --set path=value` continues from `RUN/checkpoints/last` with the run's `config.json` and vocabularies (`vocab/pipeline.json`, else the copy in the checkpoint; never rebuilt from the data).",
    "These settings may change (an entry covers the options beneath it); the change is recorded as a `{\"type\": \"resume\", \"step\": N, \"changed\": {path: {from, to}}}` line in `metrics.jsonl` and written to the run's `config.json`:",
    "",
    "| option | takes effect |",
    "|---|---|",
    ...table(RESUMABLE),
    "",
    "Changing anything else is an error naming the option, because the checkpoint fixes it:",
    "",
    "| option | why it is fixed |",
    "|---|---|",
    ...table(FIXED_ON_RESUME),
    "",
  ];
}
