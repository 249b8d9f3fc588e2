import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { toDataOptions } from "../config/dataOptions.js";
import { prepareData } from "../data/dataset.js";
import { UserError } from "../errors.js";
import { displayPath, withFsErrors } from "../fsErrors.js";
import { decodeNumber } from "../json.js";
import { loadForInference } from "../train/loadForInference.js";
import { decodeSample } from "../train/validate.js";
import type { AttentionMatrix } from "../viz/attentionCsv.js";
import { attentionTimeline } from "../viz/report/attentionTimeline.js";
import { reportHtml, type AlignmentTableRow, type LengthBucketRow, type ReportInput } from "../viz/report/html.js";
import type { LineChartInput } from "../viz/report/lineChart.js";
import { readAttentionCsv } from "../viz/report/readAttentionCsv.js";
import { alignmentReport } from "./alignmentReport.js";
import { lengthBuckets } from "./evaluate.js";
import { readGoldAlignments } from "./goldAlignments.js";

export interface ReportOptions {
  run: string;
  /** Default: RUN/report.html. */
  output?: string;
  /** Split decoded for the per-length table: valid (default) or test. */
  split?: string;
  /** Decode at most this many sentences of the split (default 500). */
  limit?: number;
  /** Width of the source-length buckets in tokens (default: about 8 buckets). */
  byLength?: number;
  /** Pharaoh gold alignments line-aligned with the split's data file (default: its sibling .align file, when there is one). */
  alignments?: string;
  /** commander's --no-decode: false skips loading the model (no per-length table, no alignment). */
  decode?: boolean;
}

type Obj = Record<string, unknown>;

/** `attn report RUN`: one self-contained HTML page about a training run (src/viz/report/). */
export async function runReport(o: ReportOptions): Promise<void> {
  const run = o.run;
  const dir = resolve(run);
  if (!existsSync(dir)) throw new UserError(`${run}: not found; expected a run folder written by attn train (runs/<name>)`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${run}: is a file; expected a run folder written by attn train (runs/<name>)`);
  if (!existsSync(join(dir, "config.json")) || !existsSync(join(dir, "metrics.jsonl"))) {
    throw new UserError(`${run}: not a run folder (no config.json and metrics.jsonl in it); expected a folder written by attn train (runs/<name>)`);
  }
  if (o.split !== undefined && o.split !== "valid" && o.split !== "test") throw new UserError(`--split: expected valid or test; got "${o.split}"`);
  const splitName = (o.split ?? "valid") as "valid" | "test";
  const output = o.output ?? join(run, "report.html");

  const config = readJsonObject(join(dir, "config.json"));
  const runJson = existsSync(join(dir, "run.json")) ? readJsonObject(join(dir, "run.json")) : null;
  const metrics = readMetrics(join(dir, "metrics.jsonl"));
  const dumps = readDumps(join(dir, "attention"));

  const decoderType = ((config.model as Obj | undefined)?.decoder as Obj | undefined)?.type;
  const attentionNote =
    dumps.length > 0 ? "" : decoderType === "none" ? "This model has no attention (decoder none), so the run has no attention dumps." : "No attention dumps in attention/ (output.attentionSamples is 0, or no validation has run yet).";

  const lengths: ReportInput["lengths"] = { note: "", buckets: null };
  const alignment: ReportInput["alignment"] = { note: "", rows: null };
  if (o.decode === false) {
    lengths.note = "Not computed (--no-decode).";
    alignment.note = "Not computed (--no-decode).";
  } else {
    await decodeSections(run, splitName, o, lengths, alignment, config);
  }

  const input: ReportInput = {
    run,
    generated: new Date().toISOString(),
    metadata: metadataRows(dir, runJson, metrics, config),
    charts: charts(metrics),
    attention: attentionTimeline(dumps),
    attentionNote,
    lengths,
    alignment,
    config,
  };
  const html = reportHtml(input);
  withFsErrors("write the report", output, () => writeFileSync(output, html));
  process.stderr.write(`report: ${displayPath(output)} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)\n`);
}

/**
 * The per-length table and the alignment scores need the model: load the best checkpoint,
 * prepare the run's data and greedy-decode the first `limit` sentences of the split (the code of
 * `attn eval --by-length` and `attn eval --alignments`). Anything missing (data moved, no
 * checkpoint) becomes the section's note instead of stopping the report.
 */
async function decodeSections(run: string, splitName: "valid" | "test", o: ReportOptions, lengths: ReportInput["lengths"], alignment: ReportInput["alignment"], rawConfig: Obj): Promise<void> {
  let loaded;
  let split;
  try {
    loaded = loadForInference(run);
    if (!loaded.runInfo) throw new UserError("no run.json, so the data paths cannot be resolved");
    const data = await prepareData(toDataOptions(loaded.config), loaded.runInfo.baseDir, loaded.pipeline);
    split = data[splitName];
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    lengths.note = `Not computed: ${err.message}`;
    alignment.note = `Not computed: ${err.message}`;
    if (o.alignments !== undefined) throw err;
    process.stderr.write(`warning: per-length accuracy not computed: ${err.message}\n`);
    return;
  }
  const { model, pipeline, config, checkpointDir, step, runInfo } = loaded;
  const limit = Math.min(o.limit ?? 500, split.examples.length);
  const where = `${displayPath(checkpointDir)} (step ${step}), the first ${limit} of ${split.examples.length} ${splitName} pairs`;
  if (limit === 0) {
    lengths.note = `Not computed: the ${splitName} split has no pairs.`;
  } else {
    const sample = decodeSample(model, split, pipeline, config, limit, 1);
    const longest = Math.max(...sample.examples.map((e) => e.src.length - 2), 1);
    const width = o.byLength ?? Math.max(1, Math.ceil(longest / 8));
    lengths.buckets = lengthBuckets(sample, width) as LengthBucketRow[];
    lengths.note = `Greedy decoding of ${where}, grouped by source length in tokens (</s> not counted), buckets of ${width}. Exact match and BLEU as attn eval --by-length computes them.`;
  }

  const gold = o.alignments ?? defaultGold(rawConfig, runInfo!.baseDir, splitName);
  if (!gold) {
    alignment.note = `No gold alignments: none given (--alignments) and no ${splitName}.align beside the ${splitName} data file.`;
  } else if (config.model.decoder.type === "none") {
    alignment.note = "This model has no attention (decoder none).";
  } else if (limit === 0) {
    alignment.note = `Not computed: the ${splitName} split has no pairs.`;
  } else {
    const links = readGoldAlignments(gold, split, splitName);
    const report = alignmentReport(model, split, links, limit);
    alignment.rows = report.rows.map((r): AlignmentTableRow => ({ maps: r.maps, argmax: r.argmax, shiftAtt: r["shift-att"] }));
    alignment.note = `Hard alignments from the cross-attention on the reference targets (teacher forcing) of ${where}, against ${displayPath(gold)}; AER, precision and recall as attn eval --alignments computes them (docs/evaluation.md).`;
  }
}

/** The split's gold alignment file: `<split file>.align` beside a TSV, or `<split>.align` in a data folder. */
function defaultGold(config: Obj, baseDir: string, split: string): string | null {
  const data = (config.data ?? {}) as Obj;
  const own = data[split];
  const candidates: string[] = [];
  if (typeof own === "string") candidates.push(resolve(baseDir, own.slice(0, own.length - extname(own).length) + ".align"));
  if (own === undefined && typeof data.path === "string") {
    const p = resolve(baseDir, data.path);
    if (existsSync(p) && statSync(p).isDirectory()) candidates.push(join(p, `${split}.align`));
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

function readJsonObject(path: string): Obj {
  const text = withFsErrors("read", path, () => readFileSync(path, "utf8"));
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as Obj;
  } catch {
    throw new UserError(`${displayPath(path)}: not a JSON object; expected the file attn train wrote`);
  }
}

/** metrics.jsonl records; a line that is not JSON is an error naming it. */
function readMetrics(path: string): Obj[] {
  const lines = withFsErrors("read", path, () => readFileSync(path, "utf8")).split("\n");
  const out: Obj[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push(JSON.parse(line) as Obj);
    } catch {
      throw new UserError(`${displayPath(path)}:${i + 1}: not a JSON line; expected one JSON object per line`);
    }
  });
  return out;
}

function readDumps(dir: string): { step: number; matrices: AttentionMatrix[] }[] {
  if (!existsSync(dir)) return [];
  const files = withFsErrors("list", dir, () => readdirSync(dir)).flatMap((f) => {
    const m = /^step-(\d+)\.csv$/.exec(f);
    return m ? [{ file: join(dir, f), step: Number(m[1]) }] : [];
  });
  return files.map(({ file, step }) => {
    const parsed = readAttentionCsv(withFsErrors("read", file, () => readFileSync(file, "utf8")));
    if (typeof parsed === "string") throw new UserError(`${displayPath(file)}: ${parsed}`);
    return { step, matrices: parsed };
  });
}

/** A stored number ("NaN"/"Infinity" strings included), or undefined when the record has none. */
function numberOf(r: Obj, key: string): number | undefined {
  return decodeNumber(r[key]);
}

function series(records: readonly Obj[], key: string, scale = 1): [number, number][] {
  return records.flatMap((r) => {
    const v = numberOf(r, key);
    const step = numberOf(r, "step");
    return v === undefined || step === undefined ? [] : [[step, v * scale] as [number, number]];
  });
}

function charts(metrics: readonly Obj[]): LineChartInput[] {
  const train = metrics.filter((r) => r.type === "train");
  const valid = metrics.filter((r) => r.type === "valid");
  const x = "step";
  return [
    { title: "Loss", xLabel: x, yLabel: "cross-entropy (nats per token)", series: [{ name: "train", points: series(train, "loss") }, { name: "valid", points: series(valid, "loss") }] },
    { title: "Validation perplexity", xLabel: x, yLabel: "perplexity", logY: true, series: [{ name: "valid", points: series(valid, "perplexity") }] },
    { title: "Validation BLEU", xLabel: x, yLabel: "BLEU", series: [{ name: "valid", points: series(valid, "bleu") }] },
    { title: "Validation chrF", xLabel: x, yLabel: "chrF", series: [{ name: "valid", points: series(valid, "chrF") }] },
    { title: "Validation exact match", xLabel: x, yLabel: "exact match (%)", series: [{ name: "valid", points: series(valid, "exactMatch", 100) }] },
    { title: "Learning rate", xLabel: x, yLabel: "learning rate", series: [{ name: "train", points: series(train, "lr") }] },
    { title: "Training speed", xLabel: x, yLabel: "tokens per second", series: [{ name: "train", points: series(train, "tokensPerSecond") }] },
  ];
}

function metadataRows(dir: string, runJson: Obj | null, metrics: readonly Obj[], config: Obj): [string, string][] {
  const rows: [string, string][] = [];
  const str = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  rows.push(["run folder", dir]);
  if (config.name !== undefined) rows.push(["name", str(config.name)]);
  if (runJson) {
    for (const key of ["attnVersion", "created", "configSource", "baseDir", "kernels", "threads"]) if (runJson[key] !== undefined) rows.push([key, str(runJson[key])]);
    const data = runJson.data as Record<string, Obj> | undefined;
    if (data) {
      for (const [split, d] of Object.entries(data)) {
        const dropped = (Number(d.droppedByLengthFilter) || 0) + (Number(d.droppedTooLongForModel) || 0);
        rows.push([`${split} pairs`, `${str(d.pairs)}${dropped > 0 ? ` (${dropped} dropped by length limits)` : ""}`]);
      }
    }
  } else rows.push(["run.json", "missing"]);
  const steps = metrics.map((r) => numberOf(r, "step")).filter((s): s is number => s !== undefined && Number.isFinite(s));
  rows.push(["steps recorded", steps.length > 0 ? String(Math.max(...steps)) : "none"]);
  const last = [...metrics].reverse().find((r) => r.type === "train");
  if (last) rows.push(["elapsed", `${str(numberOf(last, "elapsedSeconds"))} s (at step ${str(last.step)})`]);
  rows.push(["validations", String(metrics.filter((r) => r.type === "valid").length)]);
  const resumes = metrics.filter((r) => r.type === "resume").length;
  if (resumes > 0) rows.push(["resumed", `${resumes} time${resumes === 1 ? "" : "s"}`]);
  for (const kind of ["diverging", "non-finite"]) {
    const n = metrics.filter((r) => r.type === kind).length;
    if (n > 0) rows.push([`${kind} records`, String(n)]);
  }
  const metric = ((config.training as Obj | undefined)?.earlyStopping as Obj | undefined)?.metric;
  for (const which of ["best", "last"]) {
    const meta = join(dir, "checkpoints", which, "meta.json");
    if (!existsSync(meta)) {
      rows.push([`checkpoints/${which}`, "none"]);
      continue;
    }
    let m: Obj;
    try {
      m = JSON.parse(readFileSync(meta, "utf8")) as Obj;
    } catch {
      rows.push([`checkpoints/${which}`, "unreadable meta.json"]);
      continue;
    }
    const best = which === "best" && m.bestMetric !== undefined ? `, best ${str(metric ?? "metric")} ${str(m.bestMetric)}` : "";
    rows.push([`checkpoints/${which}`, `step ${str(m.step)}, epoch ${str(m.epoch)}, saved ${str(m.created)}${best}`]);
  }
  return rows;
}

