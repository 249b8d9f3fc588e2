/**
 * Reading and writing the safetensors format (github.com/huggingface/safetensors), so attn's
 * weights open directly in PyTorch, NumPy or any other safetensors reader:
 *
 *   bytes 0..8        N, the header length, unsigned 64-bit little-endian
 *   bytes 8..8+N      the header: UTF-8 JSON, padded with spaces to a multiple of 8 bytes
 *                     { "__metadata__": { string: string },
 *                       "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, … }
 *   bytes 8+N..       the data buffer: each tensor's elements, row-major, little-endian, at
 *                     [begin, end) relative to the start of the buffer
 *
 * We write F32 only, tensors back to back in the order given (the header lists them in the same
 * order), the JSON compact with keys in the order dtype, shape, data_offsets and `__metadata__`
 * first, as the reference implementation does. Values are copied as bytes, never through a JS
 * number, so every bit pattern (−0, NaN payloads, subnormals) survives a round trip.
 *
 * Reading accepts F32, I32 and I64 and validates everything the reference reader does: the
 * header length, UTF-8, JSON, each entry's fields, that byte counts match shapes, and that the
 * tensors exactly tile the data buffer (in bounds, no overlap, no unused bytes). Every failure is
 * a one-line UserError naming the file.
 */
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { displayPath } from "../fsErrors.js";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "./atomic.js";

/** Element types this module reads; only F32 is written. */
export type SafetensorsDtype = "F32" | "I32" | "I64";

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, I64: 8 };

/** The reference implementation refuses larger headers; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

/** The key of the string → string metadata map in the header. */
export const METADATA_KEY = "__metadata__";

/** A tensor to write: its shape and its float32 elements, row-major. */
export interface SafetensorsInput {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A tensor read back: its own copy of the data (never a view on the file's bytes). */
export type SafetensorsTensor =
  | { dtype: "F32"; shape: number[]; data: Float32Array }
  | { dtype: "I32"; shape: number[]; data: Int32Array }
  | { dtype: "I64"; shape: number[]; data: BigInt64Array };

export interface SafetensorsContents {
  /** In file order (by data offset). */
  tensors: Map<string, SafetensorsTensor>;
  /** The header's `__metadata__` (empty when absent). */
  metadata: Record<string, string>;
}

const littleEndianHost = endianness() === "LE";

/**
 * The file's bytes as a list of chunks (8-byte length, padded header, then each tensor's bytes).
 * On a little-endian host the tensor chunks are views on the caller's arrays, not copies.
 * Throws a plain Error for inputs that are bugs of the caller (bad shape, reserved name).
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafetensorsInput>, metadata: Readonly<Record<string, string>> = {}): Uint8Array[] {
  // The header is serialised entry by entry so that its order is exactly the order given (a JS
  // object would move integer-like names such as "0" first) and no name is special to JS.
  const header: [string, string][] = [];
  const meta = Object.entries(metadata);
  for (const [k, v] of meta) {
    if (typeof v !== "string") throw new Error(`safetensors: metadata value of '${k}' must be a string, got ${typeof v}`);
  }
  if (meta.length > 0) header.push([METADATA_KEY, jsonObject(meta.map(([k, v]) => [k, JSON.stringify(v)]))]);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === "" || name === METADATA_KEY) throw new Error(`safetensors: invalid tensor name '${name}'`);
    if (!(t.data instanceof Float32Array)) throw new Error(`safetensors: tensor '${name}' must hold a Float32Array`);
    const size = elementCount(t.shape);
    if (size === null || size !== t.data.length) {
      throw new Error(`safetensors: tensor '${name}' has ${t.data.length} elements but shape [${t.shape.join(", ")}]`);
    }
    const bytes = littleEndianBytes(t.data);
    header.push([name, JSON.stringify({ dtype: "F32", shape: [...t.shape], data_offsets: [offset, offset + bytes.length] })]);
    offset += bytes.length;
    chunks.push(bytes);
  }
  const json = Buffer.from(jsonObject(header), "utf8");
  const padded = Buffer.alloc(json.length + ((8 - (json.length % 8)) % 8), 0x20);
  json.copy(padded);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  return [length, padded, ...chunks];
}

/** Write `tensors` (in their Map order) and `metadata` to `path`, atomically (see atomic.ts). */
export function writeSafetensors(path: string, tensors: ReadonlyMap<string, SafetensorsInput>, metadata: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Read and validate a safetensors file. */
export function readSafetensors(path: string): SafetensorsContents {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`${displayPath(path)}: file not found (expected a .safetensors file)`);
    if (code === "EISDIR") throw new UserError(`${displayPath(path)}: is a directory, expected a .safetensors file`);
    throw new UserError(`${displayPath(path)}: cannot read (${code ?? String(err)})`);
  }
  return decodeSafetensors(bytes, displayPath(path));
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** Parse and validate the bytes of a safetensors file; `file` names it in error messages. */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContents {
  const fail = (what: string): never => {
    throw new UserError(`${file}: ${what}`);
  };
  if (bytes.length < 8) fail(`not a safetensors file: ${bytes.length} bytes, expected at least 8 (the header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`not a safetensors file: header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.length) {
    fail(`truncated safetensors file: header length ${headerLen} but only ${bytes.length - 8} bytes follow the length field`);
  }

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    return fail("safetensors header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    return fail(`safetensors header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("safetensors header must be a JSON object");

  const metadata: [string, string][] = [];
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`"${METADATA_KEY}" must be an object of strings`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`"${METADATA_KEY}" value of "${k}" must be a string, got ${JSON.stringify(v)}`);
        metadata.push([k, v as string]);
      }
      continue;
    }
    entries.push(parseEntry(name, value, fail));
  }

  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of byOffset) {
    if (e.end > dataLen) {
      fail(`tensor '${e.name}' has data_offsets [${e.begin}, ${e.end}] beyond the ${dataLen}-byte data buffer (truncated file?)`);
    }
    if (e.begin < pos) fail(`tensors '${prev!.name}' and '${e.name}' overlap in the data buffer`);
    if (e.begin > pos) fail(`bytes ${pos}..${e.begin} of the data buffer belong to no tensor (before '${e.name}')`);
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) fail(`the last ${dataLen - pos} bytes of the data buffer belong to no tensor`);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of byOffset) {
    const raw = copyBytes(bytes, dataStart + e.begin, e.end - e.begin, DTYPE_BYTES[e.dtype]);
    switch (e.dtype) {
      case "F32":
        tensors.set(e.name, { dtype: "F32", shape: e.shape, data: new Float32Array(raw) });
        break;
      case "I32":
        tensors.set(e.name, { dtype: "I32", shape: e.shape, data: new Int32Array(raw) });
        break;
      case "I64":
        tensors.set(e.name, { dtype: "I64", shape: e.shape, data: new BigInt64Array(raw) });
        break;
    }
  }
  return { tensors, metadata: Object.fromEntries(metadata) };
}

function parseEntry(name: string, value: unknown, fail: (what: string) => never): Entry {
  const where = `tensor '${name}'`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`${where}: expected an object with "dtype", "shape" and "data_offsets"`);
  }
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof v.dtype !== "string") fail(`${where}: missing "dtype"`);
  if (!Object.hasOwn(DTYPE_BYTES, v.dtype as string)) {
    fail(`${where}: unsupported dtype ${JSON.stringify(v.dtype)} (attn reads F32, I32 and I64)`);
  }
  const dtype = v.dtype as SafetensorsDtype;
  if (!Array.isArray(v.shape) || !v.shape.every(isIndex)) fail(`${where}: "shape" must be an array of non-negative integers`);
  const shape = v.shape as number[];
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(`${where}: "data_offsets" must be [begin, end] with non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const count = elementCount(shape);
  const expected = count === null ? null : count * DTYPE_BYTES[dtype];
  if (expected === null || !Number.isSafeInteger(expected)) fail(`${where}: shape [${shape.join(", ")}] is too large`);
  if (end - begin !== expected) {
    fail(`${where}: shape [${shape.join(", ")}] of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/** `{"k":v,…}` from keys and already-serialised values, in the given order. */
function jsonObject(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

function isIndex(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

/** Product of the dimensions, or null if a dimension is invalid or the product is not a safe integer. */
function elementCount(shape: readonly number[]): number | null {
  let n = 1;
  for (const d of shape) {
    if (!isIndex(d)) return null;
    n *= d;
    if (!Number.isSafeInteger(n)) return null;
  }
  return n;
}

/** A float32 array's bytes in little-endian order (a view when the host is little-endian). */
function littleEndianBytes(data: Float32Array): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (littleEndianHost) return view;
  const out = new Uint8Array(view);
  swapBytes(out, 4);
  return out;
}

/** A fresh, aligned copy of `length` bytes at `start`, in host byte order. */
function copyBytes(bytes: Uint8Array, start: number, length: number, width: number): ArrayBuffer {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(start, start + length));
  if (!littleEndianHost) swapBytes(out, width);
  return out.buffer;
}

function swapBytes(b: Uint8Array, width: number): void {
  for (let i = 0; i < b.length; i += width) b.subarray(i, i + width).reverse();
}
