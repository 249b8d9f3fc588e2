// Median target tokens/s per configuration and system from bench/peer.sh output, and the ratio.
import { readFileSync } from "node:fs";
const rows = readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kernels = (r) => (r.system === "attn" ? r.result.kernels : "");
const tps = (r) => r.system === "pytorch" ? r.result.tgt_tokens_per_s : r.result.tgtTokensPerSecond;
const ms = (r) => r.system === "pytorch" ? r.result.ms_per_step : r.result.msPerStep;
const rss = (r) => r.system === "pytorch" ? r.result.peak_rss_mib : r.result.peakRssMiB;
console.log("| config | PyTorch tgt tok/s | attn tgt tok/s | attn / PyTorch | PyTorch ms/step | attn ms/step | peak RSS MiB (PyTorch / attn) | runs |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const c of [...new Set(rows.map((r) => r.config))]) {
  const t = rows.filter((r) => r.config === c && r.system === "pytorch");
  const a = rows.filter((r) => r.config === c && r.system === "attn");
  const mt = median(t.map(tps)), ma = median(a.map(tps));
  console.log(`| ${c} | ${Math.round(mt)} | ${Math.round(ma)} | ${(ma / mt).toFixed(2)} | ${median(t.map(ms)).toFixed(1)} | ${median(a.map(ms)).toFixed(1)} | ${Math.round(median(t.map(rss)))} / ${Math.round(median(a.map(rss)))} | ${t.length} + ${a.length} |`);
}
