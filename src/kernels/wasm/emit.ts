/**
 * A minimal WebAssembly binary writer: just enough of the format (LEB128 numbers, sections,
 * the handful of opcodes the SIMD matmul uses) to build a module byte by byte at run time,
 * without a WAT toolchain. Reference: the WebAssembly core spec, "Binary Format", and the
 * fixed-width SIMD proposal (merged into the spec; Node ≥ 16.4 runs it by default).
 */

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function s32(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...u32(bytes.length), ...bytes];
}

/** A vector: element count, then the elements. */
export function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

export const valtype = { i32: 0x7f, v128: 0x7b } as const;

/** Opcodes (SIMD ones are 0xFD followed by a LEB128 sub-opcode). */
export const op = {
  block: 0x02, loop: 0x03, end: 0x0b, br_if: 0x0d, blockVoid: 0x40,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32Ne: 0x47, i32Add: 0x6a, i32Mul: 0x6c,
} as const;

const simd = (sub: number) => [0xfd, ...u32(sub)];
/** memarg: alignment exponent, then byte offset. */
const memarg = (alignLog2: number, offset: number) => [...u32(alignLog2), ...u32(offset)];

export const v128Load = (offset: number) => [...simd(0x00), ...memarg(4, offset)];
export const v128Load32Splat = (offset: number) => [...simd(0x09), ...memarg(2, offset)];
export const v128Store = (offset: number) => [...simd(0x0b), ...memarg(4, offset)];
export const v128Zero = () => [...simd(0x0c), ...new Array<number>(16).fill(0)];
export const f32x4Add = () => simd(0xe4);
export const f32x4Mul = () => simd(0xe6);

export const get = (i: number) => [op.localGet, ...u32(i)];
export const set = (i: number) => [op.localSet, ...u32(i)];
export const i32c = (n: number) => [op.i32Const, ...s32(n)];

/** local[i] += n (i32). */
export const addConst = (i: number, n: number) => [...get(i), ...i32c(n), op.i32Add, ...set(i)];

/** loop … br_if (local[a] != local[b]) end: a do-while loop (the body runs at least once). */
export function doWhileNe(body: number[], a: number, b: number): number[] {
  return [op.loop, op.blockVoid, ...body, ...get(a), ...get(b), op.i32Ne, op.br_if, 0, op.end];
}

/**
 * A module importing one shared memory ("env", "memory": limits flag 3 = shared with a maximum,
 * at least 1 page, at most `maxPages`) and exporting functions of the given types.
 */
export function moduleBytes(
  maxPages: number,
  funcs: { name: string; params: number[]; locals: [number, number][]; body: number[] }[],
): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec([])]);
  const imports = [[...name("env"), ...name("memory"), 0x02, 0x03, ...u32(1), ...u32(maxPages)]];
  const code = funcs.map((f) => {
    const body = [...vec(f.locals.map(([count, t]) => [...u32(count), t])), ...f.body, op.end];
    return [...u32(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map((_, i) => u32(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...u32(i)]))),
    ...section(10, vec(code)),
  ]);
}
