import { appendFileSync } from "node:fs";

/** Appends one JSON object per line to the run's metrics.jsonl (train lines and valid lines). */
export class MetricsLog {
  constructor(readonly path: string) {}

  write(record: Record<string, unknown>): void {
    appendFileSync(this.path, JSON.stringify({ time: new Date().toISOString(), ...record }) + "\n");
  }
}
