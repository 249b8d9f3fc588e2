/**
 * `attn serve` end to end: a recurrent (Bahdanau) and a Transformer checkpoint trained here, the
 * real `node bin/attn.js serve … --port 0`, HTTP requests against it, and the page in a headless
 * Chromium (Debian's /usr/bin/chromium driven by playwright-core, as test/cli/report.test.ts):
 * type, translate, count heatmap cells, switch layer and head, hover, screenshot. Any request to
 * another host fails the test.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pngColours } from "../helpers/pngColours.js";
import { attn, stripAnsi, tempFolder, tinyConfig, trainTiny, writeTinyTask, type Run } from "../cli/fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exit: Promise<Run>;
}

/** Starts `attn serve …args` and resolves once it printed its address. */
function startServe(args: readonly string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    const exit = attn(["serve", ...args], {
      timeoutMs: 110_000,
      onSpawn: (c) => {
        child = c;
        let out = "";
        c.stdout.on("data", (d: string) => {
          out += d;
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (m) resolve({ child, url: m[0], exit });
        });
      },
    });
    exit.then((r) => reject(new Error(`attn serve exited ${r.code} before listening:\n${r.stderr}`)), reject);
  });
}

const postJson = (url: string, body: string) => fetch(url + "api/translate", { method: "POST", headers: { "content-type": "application/json" }, body });

describe("attn serve", () => {
  const dir = tempFolder("serve");
  let server: Served;
  let context: BrowserContext;

  beforeAll(async () => {
    writeTinyTask(dir, { training: { maxSteps: 40 } }, "rnn.json");
    writeFileSync(
      join(dir, "tf.json"),
      JSON.stringify(tinyConfig({ model: { encoder: { type: "transformer", hiddenSize: 8, layers: 2 }, decoder: { type: "transformer", hiddenSize: 8, layers: 2 }, transformer: { heads: 2, ffSize: 16, dropout: 0 } }, training: { maxSteps: 40 } })),
    );
    await Promise.all([trainTiny(join(dir, "rnn.json"), join(dir, "rnn")), trainTiny(join(dir, "tf.json"), join(dir, "tf"))]);
    server = await startServe(["--checkpoint", join(dir, "rnn"), "--checkpoint", join(dir, "tf", "checkpoints", "best"), "--port", "0"]);
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, "chromium-profile-")), { executablePath: CHROMIUM, headless: true, args: ARGS });
  }, 90_000);
  afterAll(async () => {
    await context?.close();
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
  });

  it("lists both checkpoints and answers every map of a Transformer; a bad request does not stop it", async () => {
    const models = (await (await fetch(server.url + "api/models")).json()) as { models: { id: string; family: Record<string, unknown> }[] };
    expect(models.models.map((m) => m.id)).toEqual(["rnn", "tf"]);
    expect(models.models[1]!.family).toMatchObject({ encoder: "transformer", decoder: "transformer", encoderLayers: 2, decoderLayers: 2, heads: 2 });
    const bad = await postJson(server.url, "{");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^the body is not JSON/);
    const r = await postJson(server.url, JSON.stringify({ model: "tf", text: "a b c", beam: 3, nbest: 3 }));
    expect(r.status).toBe(200);
    const x = (await r.json()) as { nbest: unknown[]; maps: { kind: string }[]; derived: { kind: string; view: string }[] };
    expect(x.nbest).toHaveLength(3);
    for (const kind of ["encoder-self", "decoder-self", "cross"]) {
      expect(x.maps.filter((m) => m.kind === kind)).toHaveLength(4);
      expect(x.derived.filter((d) => d.kind === kind).map((d) => d.view)).toEqual(["mean", "mean", "rollout"]);
    }
  });

  it("refuses a missing checkpoint and a port in use in one line, exit 1", async () => {
    const missing = await attn(["serve", "--checkpoint", join(dir, "nope"), "--port", "0"]);
    const port = new URL(server.url).port;
    const taken = await attn(["serve", "--checkpoint", join(dir, "rnn"), "--port", port]);
    for (const [r, message] of [[missing, /^error: .*nope: not found; expected a run folder/], [taken, new RegExp(`^error: --port ${port}: the port is in use on 127\\.0\\.0\\.1`)]] as const) {
      expect(r.code).toBe(1);
      expect(stripAnsi(r.stderr).trim().split("\n")).toEqual([expect.stringMatching(message)]);
    }
  });

  it("in a browser: translate with both models, heatmaps with one cell per token pair, layer/head switches redraw", async () => {
    const page = await context.newPage();
    const origin = server.url.slice(0, -1);
    const elsewhere: string[] = [];
    const errors: string[] = [];
    await page.route("**/*", (route) => (route.request().url().startsWith(origin) ? route.continue() : (elsewhere.push(route.request().url()), route.abort())));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1300, height: 1000 });
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready]");
    await page.fill("#source", "a b c d");
    await page.check("input[name=mode][value=beam]");
    await page.fill("#beam-size", "2");
    await page.fill("#nbest", "2");
    await page.click("button[type=submit]");
    await page.waitForSelector("body[data-done='1']");

    const main = (model: string) => page.locator(`.panel[data-model=${model}] .main svg`);
    const cells = (model: string) => main(model).locator("rect.cell").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-w"))));
    const labels = (model: string, cls: string) => main(model).locator(`.${cls}`).evaluateAll((els) => els.map((e) => e.lastChild?.textContent ?? ""));
    for (const model of ["rnn", "tf"]) {
      await expect(page.locator(`.panel[data-model=${model}] .nbest li`).count()).resolves.toBe(2);
      // Cross-attention: one cell per (target token, source token), labelled with those tokens.
      const rows = await labels(model, "row-label");
      expect(await labels(model, "col-label")).toEqual(["a", "b", "c", "d", "</s>"]);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[rows.length - 1]).toBe("</s>");
      expect((await cells(model)).length).toBe(rows.length * 5);
    }

    // The Transformer: encoder self-attention, then another layer and head, then the head mean and the rollout.
    const tf = page.locator(".panel[data-model=tf]");
    await tf.locator(".kind-select").selectOption("encoder-self");
    const first = await cells("tf");
    expect(first).toHaveLength(25);
    await tf.locator(".layer-select").selectOption("1");
    await tf.locator(".head-select").selectOption("1");
    await expect(main("tf").getAttribute("data-layer")).resolves.toBe("1");
    await expect(main("tf").getAttribute("data-head")).resolves.toBe("1");
    const other = await cells("tf");
    expect(other).toHaveLength(25);
    expect(other).not.toEqual(first);
    await tf.locator(".head-select").selectOption("mean");
    expect(await cells("tf")).not.toEqual(other);
    await tf.locator(".layer-select").selectOption("rollout");
    const roll = await cells("tf");
    for (let r = 0; r < 5; r++) expect(roll.slice(5 * r, 5 * r + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    // The grid: 2 layers × (2 heads + mean) thumbnails; clicking one enlarges it.
    await expect(tf.locator(".grid-box button.thumb").count()).resolves.toBe(6);
    await tf.locator('.grid-box button.thumb[data-layer="0"][data-head="1"]').click();
    await expect(main("tf").getAttribute("data-layer")).resolves.toBe("0");
    await expect(main("tf").getAttribute("data-head")).resolves.toBe("1");
    // Hovering a cell shows its tokens and weight.
    await main("tf").locator("rect.cell").nth(6).hover();
    await expect(page.locator("#tooltip").textContent()).resolves.toMatch(/^b → b: \d\.\d{4}$/);

    // Not blank: the screenshot of the heatmap has many colours.
    const png = await main("tf").screenshot();
    const colours = await pngColours(page, png);
    expect(colours).toBeGreaterThan(10);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("stops cleanly on SIGTERM", async () => {
    server.child.kill("SIGTERM");
    const r = await server.exit;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^attn serve: http:\/\/127\.0\.0\.1:\d+\/ \(2 checkpoints; Ctrl-C stops\)\n$/);
    expect(r.stderr).toBe("");
  });
});
