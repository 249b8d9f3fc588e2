/**
 * A small, strict reader of the `.pt` files that `torch.save(state_dict, path)` writes (what the
 * exported train.py saves with `--save-format pt`), so `attn import` needs no Python:
 *
 *   a zip archive (entries usually stored, sometimes deflated) with one top folder P:
 *     P/data.pkl      the state_dict, pickled (protocol 2): an OrderedDict (or dict) name → tensor,
 *                     each tensor torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)
 *                     and each storage a persistent id ("storage", torch.FloatStorage, key, device, numel)
 *     P/data/<key>    the storage's elements, raw little-endian
 *     P/version, P/byteorder (newer torch: "little")
 *
 * The pickle runs on a minimal VM that knows only the opcodes such files use and only three kinds
 * of callable (OrderedDict, _rebuild_tensor_v2, the storage types): anything else — another
 * opcode, another global, a non-float32 storage, non-contiguous strides, a truncated archive — is a
 * one-line UserError naming the file. Nothing in the file is ever executed.
 */
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { UserError } from "../../errors.js";
import { displayPath } from "../../fsErrors.js";

/** A float32 tensor of a state_dict: its shape and its elements, row-major. */
export interface TorchTensor {
  shape: number[];
  data: Float32Array;
}

/** Reads a `.pt` state_dict file; names in file order. */
export function readTorchStateDict(path: string): Map<string, TorchTensor> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${displayPath(path)}: cannot read the weights (${code === "ENOENT" ? "no such file" : code ?? (err as Error).message})`);
  }
  return parseTorchStateDict(bytes, displayPath(path));
}

/** The same from the file's bytes; `where` names the file in errors. */
export function parseTorchStateDict(bytes: Uint8Array, where: string): Map<string, TorchTensor> {
  const fail = (why: string): never => {
    throw new UserError(`${where}: ${why}`);
  };
  const entries = readZip(bytes, fail);
  const pickles = [...entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pickles.length !== 1) fail(`not a torch.save file (${pickles.length === 0 ? "no" : "more than one"} <folder>/data.pkl in the zip archive)`);
  const prefix = pickles[0]!.slice(0, -"data.pkl".length);
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder && new TextDecoder().decode(byteorder.read()).trim() !== "little") fail("the tensors are stored big-endian (byteorder); expected little-endian");
  const root = runPickle(entries.get(pickles[0]!)!.read(), fail);
  if (!(root instanceof PDict)) fail(`the pickle holds ${describe(root)}; expected a state_dict (a dict of tensors)`);
  const out = new Map<string, TorchTensor>();
  for (const [name, value] of (root as PDict).map) {
    if (typeof name !== "string") fail(`a state_dict key is ${describe(name)}; expected strings`);
    if (!(value instanceof PTensor)) fail(`'${name}' is ${describe(value)}; expected a tensor`);
    out.set(name as string, materialise(name as string, value as PTensor, prefix, entries, fail));
  }
  return out;
}

// ---------------------------------------------------------------- zip

interface ZipEntry {
  read(): Uint8Array;
}

function readZip(b: Uint8Array, fail: (why: string) => never): Map<string, ZipEntry> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const need = (o: number, n: number, what: string) => {
    if (o < 0 || o + n > b.length) fail(`truncated zip archive (${what} runs past the end of the file); expected a complete torch.save file`);
  };
  // End of central directory: the last 22+ bytes (a comment may follow it).
  let eocd = -1;
  for (let o = b.length - 22; o >= Math.max(0, b.length - 22 - 0xffff); o--) {
    if (u32(o) === 0x06054b50) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) fail("not a zip archive (no end-of-central-directory record): truncated, or not a torch.save file");
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    // ZIP64 (torch's writer uses it for large archives): the locator sits just before the record.
    const loc = eocd - 20;
    need(loc, 20, "the ZIP64 locator");
    if (u32(loc) !== 0x07064b50) fail("zip archive: ZIP64 sizes without a ZIP64 locator");
    const rec = Number(view.getBigUint64(loc + 8, true));
    need(rec, 56, "the ZIP64 end-of-central-directory record");
    if (u32(rec) !== 0x06064b50) fail("zip archive: bad ZIP64 end-of-central-directory record");
    count = Number(view.getBigUint64(rec + 32, true));
    cdSize = Number(view.getBigUint64(rec + 40, true));
    cdOffset = Number(view.getBigUint64(rec + 48, true));
  }
  need(cdOffset, cdSize, "the central directory");
  const entries = new Map<string, ZipEntry>();
  let o = cdOffset;
  for (let i = 0; i < count; i++) {
    need(o, 46, "the central directory");
    if (u32(o) !== 0x02014b50) fail("zip archive: bad central directory entry");
    const method = u16(o + 10);
    let compSize = u32(o + 20);
    let size = u32(o + 24);
    const nameLen = u16(o + 28);
    const extraLen = u16(o + 30);
    const commentLen = u16(o + 32);
    let local = u32(o + 42);
    need(o + 46, nameLen + extraLen, "the central directory");
    const name = new TextDecoder().decode(b.subarray(o + 46, o + 46 + nameLen));
    // ZIP64 extra field: the 0xffffffff fields, in the order size, compressed size, offset.
    for (let e = o + 46 + nameLen; e + 4 <= o + 46 + nameLen + extraLen; ) {
      const id = u16(e);
      const len = u16(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        const next = () => {
          const v = Number(view.getBigUint64(f, true));
          f += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compSize === 0xffffffff) compSize = next();
        if (local === 0xffffffff) local = next();
      }
      e += 4 + len;
    }
    o += 46 + nameLen + extraLen + commentLen;
    entries.set(name, {
      read: () => {
        need(local, 30, `the entry ${name}`);
        if (u32(local) !== 0x04034b50) fail(`zip archive: bad local header of ${name}`);
        const start = local + 30 + u16(local + 26) + u16(local + 28);
        need(start, compSize, `the entry ${name}`);
        const raw = b.subarray(start, start + compSize);
        if (method === 0) return raw;
        if (method !== 8) fail(`zip entry ${name} uses compression method ${method}; expected stored (0) or deflated (8)`);
        let data: Uint8Array;
        try {
          data = inflateRawSync(raw);
        } catch {
          return fail(`zip entry ${name}: its deflated data is damaged`);
        }
        if (data.length !== size) fail(`zip entry ${name}: ${data.length} bytes after inflating; the directory says ${size}`);
        return data;
      },
    });
  }
  return entries;
}

// ---------------------------------------------------------------- pickle

class PGlobal {
  constructor(readonly module: string, readonly name: string) {}
}
class PTuple {
  constructor(readonly items: PValue[]) {}
}
class PDict {
  readonly map = new Map<PValue, PValue>();
}
class PStorage {
  constructor(readonly type: string, readonly key: string, readonly numel: number) {}
}
class PTensor {
  constructor(readonly storage: PStorage, readonly offset: number, readonly shape: number[], readonly stride: number[]) {}
}
type PValue = string | number | boolean | null | PValue[] | PGlobal | PTuple | PDict | PStorage | PTensor;

const MARK = Symbol("mark");

function describe(v: unknown): string {
  if (v === null) return "None";
  if (v instanceof PTuple) return "a tuple";
  if (v instanceof PDict) return "a dict";
  if (v instanceof PGlobal) return `${v.module}.${v.name}`;
  if (v instanceof PStorage) return "a bare storage";
  if (v instanceof PTensor) return "a tensor";
  if (Array.isArray(v)) return "a list";
  return `a ${typeof v}`;
}

const STORAGE_TYPES = new Set(["FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage"]);

function runPickle(p: Uint8Array, fail: (why: string) => never): PValue {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const stack: (PValue | typeof MARK)[] = [];
  const memo = new Map<number, PValue>();
  let i = 0;
  const take = (n: number): number => {
    if (i + n > p.length) fail("data.pkl is truncated");
    const at = i;
    i += n;
    return at;
  };
  const line = (): string => {
    const end = p.indexOf(0x0a, i);
    if (end < 0) fail("data.pkl is truncated");
    const s = new TextDecoder().decode(p.subarray(i, end));
    i = end + 1;
    return s;
  };
  const pop = (): PValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail("data.pkl: malformed pickle (stack underflow)");
    return v as PValue;
  };
  const popMark = (): PValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("data.pkl: malformed pickle (no MARK)");
    const items = stack.splice(at) as PValue[];
    items.shift();
    return items;
  };
  const top = (): PValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail("data.pkl: malformed pickle (stack underflow)");
    return v as PValue;
  };
  const setItems = (d: PValue, items: PValue[]) => {
    if (!(d instanceof PDict) || items.length % 2 !== 0) fail("data.pkl: malformed pickle (SETITEMS on a non-dict)");
    for (let k = 0; k < items.length; k += 2) (d as PDict).map.set(items[k]!, items[k + 1]!);
  };
  for (;;) {
    const op = p[take(1)]!;
    switch (op) {
      case 0x80: { // PROTO
        const v = p[take(1)]!;
        if (v < 2 || v > 5) fail(`data.pkl: pickle protocol ${v}; expected 2–5`);
        break;
      }
      case 0x2e: // STOP
        if (stack.length !== 1) fail("data.pkl: malformed pickle (the stack does not hold one value at STOP)");
        return pop();
      case 0x63: { // GLOBAL
        const module = line();
        const name = line();
        const ok = (module === "collections" && name === "OrderedDict") || (module === "torch._utils" && name === "_rebuild_tensor_v2") || (module === "torch" && STORAGE_TYPES.has(name));
        if (!ok) fail(`data.pkl refers to ${module}.${name}; only state_dicts of plain tensors are read (save model.state_dict())`);
        stack.push(new PGlobal(module, name));
        break;
      }
      case 0x71: memo.set(p[take(1)]!, top()); break; // BINPUT
      case 0x72: memo.set(view.getUint32(take(4), true), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const k = op === 0x68 ? p[take(1)]! : view.getUint32(take(4), true);
        if (!memo.has(k)) fail(`data.pkl: malformed pickle (memo ${k} unset)`);
        stack.push(memo.get(k)!);
        break;
      }
      case 0x28: stack.push(MARK); break;
      case 0x29: stack.push(new PTuple([])); break; // EMPTY_TUPLE
      case 0x74: stack.push(new PTuple(popMark())); break; // TUPLE
      case 0x85: case 0x86: case 0x87: { // TUPLE1-3
        const n = op - 0x84;
        const items: PValue[] = [];
        for (let k = 0; k < n; k++) items.unshift(pop());
        stack.push(new PTuple(items));
        break;
      }
      case 0x7d: stack.push(new PDict()); break; // EMPTY_DICT
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x61: { // APPEND
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) fail("data.pkl: malformed pickle (APPEND on a non-list)");
        (l as PValue[]).push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) fail("data.pkl: malformed pickle (APPENDS on a non-list)");
        (l as PValue[]).push(...items);
        break;
      }
      case 0x58: { // BINUNICODE
        const n = view.getUint32(take(4), true);
        stack.push(new TextDecoder().decode(p.subarray(take(n), i)));
        break;
      }
      case 0x8c: { // SHORT_BINUNICODE
        const n = p[take(1)]!;
        stack.push(new TextDecoder().decode(p.subarray(take(n), i)));
        break;
      }
      case 0x4b: stack.push(p[take(1)]!); break; // BININT1
      case 0x4d: stack.push(view.getUint16(take(2), true)); break; // BININT2
      case 0x4a: stack.push(view.getInt32(take(4), true)); break; // BININT
      case 0x8a: { // LONG1
        const n = p[take(1)]!;
        const at = take(n);
        let v = 0n;
        for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(p[at + k]!);
        if (n > 0 && p[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) fail("data.pkl: an integer too large for a tensor size");
        stack.push(Number(v));
        break;
      }
      case 0x47: stack.push(view.getFloat64(take(8), false)); break; // BINFLOAT
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4e: stack.push(null); break; // NONE
      case 0x51: { // BINPERSID
        const pid = pop();
        const t = pid instanceof PTuple ? pid.items : [];
        if (t.length !== 5 || t[0] !== "storage" || !(t[1] instanceof PGlobal) || typeof t[2] !== "string" || typeof t[4] !== "number") fail("data.pkl: a persistent id that is not a torch storage");
        stack.push(new PStorage((t[1] as PGlobal).name, t[2] as string, t[4] as number));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        if (!(fn instanceof PGlobal) || !(args instanceof PTuple)) fail("data.pkl: malformed pickle (REDUCE)");
        const g = fn as PGlobal;
        const a = (args as PTuple).items;
        if (g.name === "OrderedDict") {
          if (a.length !== 0) fail("data.pkl: OrderedDict called with arguments");
          stack.push(new PDict());
        } else if (g.name === "_rebuild_tensor_v2") {
          const [storage, offset, size, stride] = a;
          const ints = (v: PValue | undefined) => v instanceof PTuple && v.items.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0);
          if (!(storage instanceof PStorage) || typeof offset !== "number" || !ints(size) || !ints(stride)) fail("data.pkl: malformed _rebuild_tensor_v2 call");
          stack.push(new PTensor(storage as PStorage, offset as number, (size as PTuple).items as number[], (stride as PTuple).items as number[]));
        } else {
          fail(`data.pkl calls ${g.module}.${g.name}; only state_dicts of plain tensors are read`);
        }
        break;
      }
      case 0x62: { // BUILD: an OrderedDict's instance state (its _metadata) is not needed
        pop();
        if (!(top() instanceof PDict)) fail("data.pkl: BUILD on something other than a state_dict");
        break;
      }
      default:
        fail(`data.pkl uses pickle opcode 0x${op.toString(16).padStart(2, "0")} at byte ${i - 1}, which this reader does not support (save model.state_dict() with torch.save)`);
    }
  }
}

function materialise(name: string, t: PTensor, prefix: string, entries: Map<string, ZipEntry>, fail: (why: string) => never): TorchTensor {
  const s = t.storage;
  if (s.type !== "FloatStorage") fail(`tensor '${name}' is stored as torch.${s.type}; expected float32 (save model.float().state_dict())`);
  if (t.shape.length !== t.stride.length) fail(`tensor '${name}': ${t.shape.length} sizes but ${t.stride.length} strides`);
  // Contiguous, row-major: stride of dim d = product of the later sizes (dims of size 1 may have any stride).
  let expect = 1;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    if (t.shape[d] !== 1 && t.stride[d] !== expect) fail(`tensor '${name}' is not contiguous (size [${t.shape.join(", ")}], stride [${t.stride.join(", ")}]); save tensors made .contiguous()`);
    expect *= t.shape[d]!;
  }
  const numel = expect;
  if (t.offset + numel > s.numel) fail(`tensor '${name}' reads past its storage (${t.offset} + ${numel} > ${s.numel} elements)`);
  const entry = entries.get(`${prefix}data/${s.key}`);
  if (!entry) fail(`tensor '${name}': its storage ${prefix}data/${s.key} is missing from the archive`);
  const raw = entry!.read();
  if (raw.length !== s.numel * 4) fail(`tensor '${name}': storage ${s.key} holds ${raw.length} bytes; expected ${s.numel} float32 elements (${s.numel * 4} bytes)`);
  const data = new Float32Array(numel);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let k = 0; k < numel; k++) data[k] = view.getFloat32((t.offset + k) * 4, true);
  return { shape: [...t.shape], data };
}
