/**
 * Streaming line reader for UTF-8 text files. Memory stays bounded by the chunk size and the
 * longest line, whatever the file size. Every problem is reported as a one-line UserError that
 * names the file (and the line, for bad bytes).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { TextDecoder } from "node:util";
import { UserError } from "../../errors.js";
import { displayPath } from "../../fsErrors.js";

export interface Line {
  /** The line's text without its line ending ("\n" or "\r\n") and, on line 1, without a BOM. */
  text: string;
  /** 1-based line number, for messages of the form file:line. */
  lineNo: number;
}

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 16;

/** Throws a one-line UserError unless `path` names an existing regular file. */
export async function assertReadableFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT") throw new UserError(`${displayPath(path)}: file not found`);
    throw new UserError(`${displayPath(path)}: cannot read (${code ?? String(err)})`);
  }
  if (info.isDirectory()) throw new UserError(`${displayPath(path)}: is a directory, expected a text file`);
}

/** Yields the lines of a UTF-8 text file one by one; a final line without a newline counts too. */
export async function* readLines(path: string): AsyncGenerator<Line> {
  await assertReadableFile(path);
  // ignoreBOM keeps a BOM in the output so that only one at the very start of the file is dropped.
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let pending: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const bytes = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      pending = bytes;
      continue;
    }
    // Decoding all complete lines of a chunk at once is much faster than line by line; a UTF-8
    // sequence never contains a newline byte, so cutting at one never splits a character.
    const text = decodeOrLocate(decoder, bytes.subarray(0, lastNewline), path, lineNo + 1);
    pending = Buffer.from(bytes.subarray(lastNewline + 1));
    for (const raw of text.split("\n")) {
      lineNo++;
      yield { text: cleanLine(raw, lineNo), lineNo };
    }
  }
  if (pending.length > 0) {
    lineNo++;
    yield { text: cleanLine(decodeOrLocate(decoder, pending, path, lineNo), lineNo), lineNo };
  }
}

/**
 * The lines of a whole UTF-8 text held in memory (a file read at once, or stdin), cleaned like
 * `readLines` does: BOM dropped, CRLF accepted, a final newline ends the last line. Bad bytes are
 * a UserError naming `path`:line (`path` is a file, shown like displayPath does, or "<stdin>").
 */
export function decodeUtf8Lines(bytes: Uint8Array, path: string): string[] {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const text = decodeOrLocate(decoder, bytes, path, 1);
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((raw, i) => cleanLine(raw, i + 1));
}

function cleanLine(raw: string, lineNo: number): string {
  let s = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (lineNo === 1 && s.startsWith("\uFEFF")) s = s.slice(1);
  return s;
}

/** Decodes bytes holding lines firstLine, firstLine+1, ...; on bad UTF-8 names the offending line of `path` (a file, or "<stdin>"). */
function decodeOrLocate(decoder: TextDecoder, bytes: Uint8Array, path: string, firstLine: number): string {
  try {
    return decoder.decode(bytes);
  } catch {
    for (let start = 0, line = firstLine; start <= bytes.length; line++) {
      let end = bytes.indexOf(NEWLINE, start);
      if (end < 0) end = bytes.length;
      try {
        decoder.decode(bytes.subarray(start, end));
      } catch {
        throw new UserError(
          `${displayPath(path)}:${line}: invalid UTF-8; expected UTF-8 text (convert other encodings, e.g. iconv -f latin1 -t utf-8)`,
        );
      }
      start = end + 1;
    }
    throw new Error(`readLines: ${path}: decoding failed but no line is invalid`);
  }
}
