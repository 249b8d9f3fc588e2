import { readFileSync } from "node:fs";
import { decodeUtf8Lines } from "../data/readers/lines.js";
import { UserError } from "../errors.js";
import { fsUserError } from "../fsErrors.js";

/**
 * The lines of a UTF-8 file or of stdin (BOM stripped, CRLF accepted). Bad bytes stop with
 * `<file>:<line>: invalid UTF-8`, as the data readers do: a sentence silently decoded to U+FFFD
 * would be translated as <unk>s without a word of warning.
 */
export async function readInputLines(file: string | undefined): Promise<string[]> {
  if (file) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      if ((err as { code?: unknown }).code === "ENOENT") throw new UserError(`--input ${file}: no such file`);
      throw fsUserError(err, "read the --input file", file);
    }
    return decodeUtf8Lines(bytes, file);
  }
  if (process.stdin.isTTY) throw new UserError("no input: pass --input FILE, or pipe sentences on stdin (one per line)");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return decodeUtf8Lines(Buffer.concat(chunks), "<stdin>");
}
