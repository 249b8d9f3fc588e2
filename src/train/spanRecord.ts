import { learnedSpans } from "../attention/adaptiveSpan.js";
import type { Module } from "../nn/module.js";

/**
 * What metrics.jsonl records of the learned adaptive spans (Sukhbaatar et al. 2019): under
 * `spans`, each self-attention's module path → the span z_h·L of every head in positions
 * (rounded to 0.01); nothing for a model without adaptive spans.
 */
export function spanRecord(model: Module): { spans?: Record<string, number[]> } {
  const spans = learnedSpans(model);
  if (spans.length === 0) return {};
  return { spans: Object.fromEntries(spans.map((s) => [s.attention, s.spans.map((x) => Math.round(100 * x) / 100)])) };
}
