import { appendFileSync, statSync, truncateSync } from "node:fs";
import { fsUserError } from "../fsErrors.js";
import { toJson } from "../json.js";

/**
 * Appends one JSON object per line to the run's metrics.jsonl (train, valid and warning lines);
 * non-finite numbers are written as "NaN" / "Infinity" (src/json.ts).
 */
export class MetricsLog {
  constructor(readonly path: string) {}

  write(record: Record<string, unknown>): void {
    const line = toJson({ time: new Date().toISOString(), ...record }) + "\n";
    const size = sizeOf(this.path);
    try {
      appendFileSync(this.path, line);
    } catch (err) {
      // A full disk can take half a line: cut it off so every line stays valid JSON.
      try {
        truncateSync(this.path, size ?? 0);
      } catch {
        // nothing more to do; the error below says what failed
      }
      throw fsUserError(err, "append to the metrics log", this.path);
    }
  }
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}
