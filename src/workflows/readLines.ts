import { readFileSync } from "node:fs";
import { UserError } from "../errors.js";

/** Non-empty-or-empty lines of a UTF-8 file or of stdin (BOM stripped, CRLF accepted). */
export async function readInputLines(file: string | undefined): Promise<string[]> {
  let text: string;
  if (file) {
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new UserError(code === "ENOENT" ? `--input ${file}: no such file` : `--input ${file}: ${(err as Error).message}`);
    }
  } else {
    if (process.stdin.isTTY) throw new UserError("no input: pass --input FILE, or pipe sentences on stdin (one per line)");
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString("utf8");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
