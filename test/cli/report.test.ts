/**
 * `attn report RUN` end to end: train a tiny run with four validations, write the report, open it
 * from file:// in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core;
 * CI installs it) and check what a reader sees. Any request that is not file: fails the test.
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pngColours } from "../helpers/pngColours.js";
import { attn, parseCsv, stripAnsi, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe("attn report", () => {
  const dir = tempFolder("report");
  const run = join(dir, "run");
  let context: BrowserContext;

  beforeAll(async () => {
    const config = writeTinyTask(dir, { training: { maxSteps: 40, validEvery: 10, logEvery: 5 } });
    await trainTiny(config, run);
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, "chromium-profile-")), { executablePath: CHROMIUM, headless: true, args: ARGS });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
  });

  it("writes RUN/report.html that works offline in a browser: sections, curves, a slider over the validations, a heatmap", async () => {
    const r = await attn(["report", run]);
    expect(r.code, r.stderr).toBe(0);
    const file = join(run, "report.html");
    expect(existsSync(file)).toBe(true);
    const html = readFileSync(file, "utf8");
    // Self-contained: no external resource of any kind is referenced.
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

    const page = await context.newPage();
    const offline: string[] = [];
    const errors: string[] = [];
    await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : (offline.push(route.request().url()), route.abort())));
    page.on("request", (req) => {
      if (!req.url().startsWith("file:")) offline.push(req.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`file://${file}`);

    for (const id of ["run", "curves", "attention", "lengths", "alignment", "config"]) await expect(page.locator(`section#${id}`).count()).resolves.toBe(1);
    // Seven charts; those with values have axes, tick labels and a line.
    await expect(page.locator("#curves svg.chart").count()).resolves.toBe(7);
    await expect(page.locator("#curves svg.chart").first().locator("polyline.line").count()).resolves.toBe(2);
    await expect(page.locator("#curves svg.chart").first().locator(".x-label").textContent()).resolves.toBe("step");
    await expect(page.locator("#curves svg.chart").first().locator(".y-label").textContent()).resolves.toBe("cross-entropy (nats per token)");
    // Metadata from run.json and the checkpoints; the per-length table from decoding the valid split.
    const meta = await page.locator("#run table").innerText();
    expect(meta).toMatch(/kernels\s+(js|wasm|wasm-fma|avx2)\b/);
    expect(meta).toMatch(/checkpoints\/best\s+step 40/);
    const lengthRows = await page.locator("#lengths table tr").count();
    expect(lengthRows).toBeGreaterThan(1);
    await expect(page.locator("#config pre").innerText()).resolves.toContain('"validEvery": 10');

    // The slider runs over the four validations; the heatmap shows the selected step's matrix.
    const slider = page.locator("#step-slider");
    await expect(slider.getAttribute("max")).resolves.toBe("3");
    const cellsAt = async (key: "Home" | "End") => {
      await slider.focus();
      await slider.press(key);
      return page.locator("#heatmap rect.cell").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-w"))));
    };
    const first = await cellsAt("Home");
    await expect(page.locator("#step-label").textContent()).resolves.toContain("step 10");
    const last = await cellsAt("End");
    await expect(page.locator("#step-label").textContent()).resolves.toContain("step 40");
    expect(first).not.toEqual(last);
    // One cell per (target token, source token) of sentence 0 in attention/step-40.csv, labelled with those tokens.
    const rows = parseCsv(readFileSync(join(run, "attention", "step-40.csv"), "utf8")).slice(1).filter((f) => f[0] === "0");
    const targets = new Set(rows.map((f) => f[4]));
    const sources = [...new Set(rows.map((f) => f[6]))].map((s) => rows.find((f) => f[6] === s)![7]);
    expect(last.length).toBe(rows.length);
    expect(last.length).toBe(targets.size * sources.length);
    await expect(page.locator("#heatmap .row-label").count()).resolves.toBe(targets.size);
    await expect(page.locator("#heatmap .col-label").evaluateAll((els) => els.map((e) => e.lastChild?.textContent))).resolves.toEqual(sources);
    expect(last).toEqual(rows.map((f) => Number(Number(f[8]).toFixed(4))));

    // The picture is not blank: the heatmap's screenshot has many colours.
    const png = await page.locator("#heatmap svg").screenshot();
    const blank = await context.newPage();
    const colours = await pngColours(blank, png);
    await blank.close();
    expect(colours).toBeGreaterThan(10);

    expect(offline).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("draws NaN and Infinity of metrics.jsonl as gaps and says how many, with --output and --no-decode", async () => {
    const copy = join(dir, "copy");
    cpSync(run, copy, { recursive: true });
    rmSync(join(copy, "report.html"), { force: true });
    appendFileSync(join(copy, "metrics.jsonl"), JSON.stringify({ type: "valid", step: 50, loss: "NaN", perplexity: "Infinity", exactMatch: 0, bleu: "NaN", lr: 0.01 }) + "\n");
    const out = join(dir, "elsewhere.html");
    const r = await attn(["report", copy, "--output", out, "--no-decode"]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("1 non-finite value not drawn");
    expect(html).toContain("Not computed (--no-decode).");
    expect(existsSync(join(copy, "report.html"))).toBe(false);
  });

  it("refuses a folder that is not a run, in one line", async () => {
    writeFileSync(join(dir, "plain.txt"), "x\n");
    for (const [path, what] of [[join(dir, "data"), "not a run folder"], [join(dir, "plain.txt"), "is a file"]] as const) {
      const r = await attn(["report", path]);
      expect(r.code).toBe(1);
      const lines = stripAnsi(r.stderr).trim().split("\n");
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^error: .*${what}`))]);
    }
  });
});
