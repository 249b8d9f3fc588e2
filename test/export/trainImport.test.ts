/**
 * The round trip of issue 13: attn trains → `attn export --to pytorch` → the package's train.py
 * continues under `torchrun --nproc_per_node=2` (DistributedDataParallel, gloo on CPU) with a
 * falling loss → `attn import --from pytorch` gives a run folder whose greedy translations equal
 * translate.py's on the same weights; the same with a `.pt` that train.py saves with torch.save
 * (--save-format pt), read without Python by src/workflows/export/torchPickle.ts; the imported run
 * also works with eval, dump-attention, report and the explorer. Needs /usr/bin/python3 with torch
 * (.ci/run installs it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createHandler } from "../../src/workflows/serve/handler.js";
import { loadServedModels } from "../../src/workflows/serve/servedModels.js";
import { attn, readJsonFile, stripAnsi, tempFolder, trainTiny, writeTinyTask } from "../cli/fixture.js";

/** torchrun of Debian's torch 1.13 under Python 3.11 cannot parse its default --redirects/--tee ("0"): pass explicit ones. */
const TORCHRUN = ["-m", "torch.distributed.run", "--redirects", "2", "--tee", "2", "--nproc_per_node=2"];

function run(cmd: string, args: string[], input = "", cwd?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: "utf8", cwd, maxBuffer: 64 << 20, timeout: 110_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("train.py under torchrun, then attn import", () => {
  it("continues training on 2 CPU processes with a falling loss, and imports back with the same translations", async () => {
    const dir = tempFolder("export-train");
    const config = writeTinyTask(dir, { training: { maxSteps: 10, validEvery: 10, logEvery: 5 } });
    const runDir = join(dir, "run");
    await trainTiny(config, runDir);
    const out = join(dir, "torch");
    const e = await attn(["export", "--checkpoint", runDir, "--to", "pytorch", "--out", out]);
    expect(e.code, e.stderr).toBe(0);
    expect(existsSync(join(out, "optimizer.safetensors"))).toBe(true);

    const log = run("/usr/bin/python3", [...TORCHRUN, "train.py", "--steps", "20", "--out", "trained"], "", out);
    expect(log).toMatch(/step 30 \| loss /);
    const trained = readJsonFile(join(out, "trained", "trained.json")) as { step: number; losses: number[]; optimizer: { type: string; stepCount: number } };
    expect(trained.step).toBe(30);
    expect(trained.optimizer.type).toBe("adam");
    expect(trained.losses).toHaveLength(20);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(trained.losses.slice(-5))).toBeLessThan(mean(trained.losses.slice(0, 5)));

    const imported = join(dir, "imported");
    const i = await attn(["import", "--from", "pytorch", join(out, "trained"), "--run-dir", imported]);
    expect(i.code, i.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(join(imported, "checkpoints", "last", "meta.json"), "utf8")) as { step: number; optimizer: { type: string } | null };
    expect(meta.step).toBe(30);
    expect(meta.optimizer?.type).toBe("adam");

    const sources = readFileSync(join(dir, "data", "test.tsv"), "utf8").split("\n").filter((l) => l !== "").map((l) => l.split("\t")[0]!);
    const input = sources.join("\n") + "\n";
    const ours = await attn(["translate", "--checkpoint", imported], { input });
    expect(ours.code, ours.stderr).toBe(0);
    expect(run("/usr/bin/python3", [join(out, "translate.py"), "--weights", "trained/model.safetensors"], input)).toBe(ours.stdout);
    // And the imported run is a run like any other: eval reads its test split.
    const ev = await attn(["eval", "--checkpoint", imported, "--json"]);
    expect(ev.code, ev.stderr).toBe(0);
    const dump = await attn(["dump-attention", "--checkpoint", imported, "--source", sources[0]!, "--output", join(dir, "dump.csv")]);
    expect(dump.code, dump.stderr).toBe(0);
    const report = await attn(["report", imported, "--output", join(dir, "report.html")]);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<html");
    // The explorer loads it and answers with the same translation as attn translate.
    const served = loadServedModels([imported]);
    const answer = createHandler(served, "")({ method: "POST", url: "/api/translate", body: JSON.stringify({ model: served[0]!.id, text: sources[0] }) });
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toContain(JSON.stringify(ours.stdout.split("\n")[0]));

    // torch.save's .pt: one process, two more steps; `attn import` picks model.pt when there is no model.safetensors.
    run("/usr/bin/python3", ["train.py", "--steps", "2", "--out", "trained-pt", "--save-format", "pt"], "", out);
    expect(existsSync(join(out, "trained-pt", "model.pt"))).toBe(true);
    expect(existsSync(join(out, "trained-pt", "model.safetensors"))).toBe(false);
    const fromPt = join(dir, "imported-pt");
    const p = await attn(["import", "--from", "pytorch", join(out, "trained-pt"), "--run-dir", fromPt]);
    expect(p.code, p.stderr).toBe(0);
    const ptOurs = await attn(["translate", "--checkpoint", fromPt], { input });
    expect(ptOurs.code, ptOurs.stderr).toBe(0);
    expect(run("/usr/bin/python3", [join(out, "translate.py"), "--weights", "trained-pt/model.pt"], input)).toBe(ptOurs.stdout);
  }, 240_000);

  it("refuses weights that do not fit the config with one line naming the file", async () => {
    const dir = tempFolder("export-import-bad");
    const config = writeTinyTask(dir, { training: { maxSteps: 2 } });
    await trainTiny(config, join(dir, "run"));
    const out = join(dir, "torch");
    expect((await attn(["export", "--checkpoint", join(dir, "run"), "--out", out])).code).toBe(0);
    const r = await attn(["import", out, "--run-dir", join(dir, "bad"), "--weights", "optimizer.safetensors"]);
    expect(r.code).toBe(1);
    const lines = stripAnsi(r.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*optimizer\.safetensors: the weights do not fit the model \(missing encoder\.embedding\.weight.*config\.json builds/);
    expect(existsSync(join(dir, "bad"))).toBe(false);
  });
});
