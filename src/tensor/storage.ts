/**
 * Where float32 tensor storage lives: one shared WebAssembly.Memory that the WebAssembly kernels
 * work on directly, so no kernel call copies operands in or results out.
 *
 * Three lifetimes:
 *  - **persistent** (`allocPersistent`): parameters, their gradients and optimizer state; a bump
 *    allocator that never frees (a process builds a handful of models).
 *  - **arena** (`Arena.run`): everything a training step (or one decoding batch) allocates —
 *    activations, intermediate gradients, kernel scratch. A bump allocator over chunks that
 *    `reset()` rewinds, so a steady-state step allocates nothing new. Tensors made inside an
 *    arena must not be used after its reset; with ATTN_ARENA_POISON=1 (the test suite sets it)
 *    reset fills the released memory with NaN so such a use shows up as a NaN, not as silently
 *    stale numbers.
 *  - **ordinary** (`allocFloat` outside any arena): a plain Float32Array on the JS heap, freed by
 *    the garbage collector. Kernels accept it too (the WebAssembly ones copy it in and out), so
 *    code that never opened an arena stays correct, only slower.
 *
 * The memory is shared (`shared: true`) because growing a shared memory never detaches its
 * buffer: views made before a grow stay valid, and nothing in the process is ever detached (a
 * detach anywhere makes V8 guard every typed-array access; docs/performance.md).
 */
import { KernelMemoryError } from "../errors.js";

const PAGE = 65536;
/** 4 GiB, all that 32-bit WebAssembly can address. Only touched pages cost memory. */
export const MAX_PAGES = 65536;
/**
 * The pages the kernel memory may grow to: MAX_PAGES, or ATTN_KERNEL_MEMORY_MIB (whole MiB) to
 * run out sooner — for tests of what happens when memory runs out, and to keep a process small.
 */
function pageLimit(): number {
  const mib = Number(process.env.ATTN_KERNEL_MEMORY_MIB);
  return Number.isInteger(mib) && mib > 0 ? Math.min(MAX_PAGES, (mib * 2 ** 20) / PAGE) : MAX_PAGES;
}
/** Bytes below this address belong to the kernel module (its stack and static data). */
export const RESERVED_BYTES = 1 << 20;
/** Alignment of every allocation: a cache line, so SIMD loads never straddle two. */
const ALIGN = 64;
/** Smallest chunk an arena or the persistent heap takes from the memory at a time. */
const MIN_CHUNK = 4 << 20;

interface WasmMemoryLike {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface MemoryCtor {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemoryLike;
}

const alignUp = (n: number, a = ALIGN) => Math.ceil(n / a) * a;

/** The process-wide kernel memory. Created on first use. */
export class KernelMemory {
  readonly memory: WasmMemoryLike;
  /** Every SharedArrayBuffer object this memory has handed out (one per size it grew to). */
  private readonly buffers = new Set<ArrayBufferLike>();
  private sab: SharedArrayBuffer;
  /** First byte not yet given to a chunk. */
  private top = RESERVED_BYTES;

  constructor() {
    const api = (globalThis as unknown as { WebAssembly?: MemoryCtor }).WebAssembly;
    if (!api) throw new Error("WebAssembly is not available");
    this.memory = new api.Memory({ initial: Math.max(32, RESERVED_BYTES / PAGE), maximum: MAX_PAGES, shared: true });
    this.sab = this.memory.buffer;
    this.buffers.add(this.sab);
  }

  /** The current buffer (covering every byte handed out so far). */
  get buffer(): SharedArrayBuffer {
    return this.sab;
  }

  /** Bytes handed to chunks so far. */
  get usedBytes(): number {
    return this.top;
  }

  /** True if `a` is a view on this memory (so kernels can use its byte offset directly). */
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  /**
   * Take `bytes` (rounded up to the alignment) from the top of the memory, growing it if needed.
   * Carved blocks are never given back: regions keep and reuse their chunks.
   */
  carve(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    const start = alignUp(this.top);
    const end = start + size;
    if (end > this.sab.byteLength) {
      const pages = Math.ceil((end - this.sab.byteLength) / PAGE);
      if (this.sab.byteLength / PAGE + pages > pageLimit()) {
        throw new KernelMemoryError(end, pageLimit() * PAGE);
      }
      this.memory.grow(pages);
      this.sab = this.memory.buffer;
      this.buffers.add(this.sab);
    }
    this.top = end;
    return start;
  }

  /** A Float32Array view of `n` floats at byte address `ptr`. */
  floats(ptr: number, n: number): Float32Array {
    return new Float32Array(this.sab, ptr, n);
  }
}

/**
 * Zero `bytes` bytes at `ptr`. TypedArray.fill on a SharedArrayBuffer stores element by element
 * (V8 keeps shared stores tear-free), about 10× slower than a memset; the kernel module installs
 * its `memory.fill` here once loaded (`setBulkFill`).
 */
let bulkFill: ((ptr: number, value: number, bytes: number) => void) | null = null;

export function setBulkFill(fn: (ptr: number, value: number, bytes: number) => void): void {
  bulkFill = fn;
}

/** Zero `bytes` bytes at `ptr`, or with `poison` fill them with 0xff bytes (a NaN in every float32 lane). */
function fillBytes(mem: KernelMemory, ptr: number, bytes: number, poison = false): void {
  if (bulkFill) bulkFill(ptr, poison ? 0xff : 0, bytes);
  else mem.floats(ptr, bytes / 4).fill(poison ? NaN : 0);
}

/** Set every element to 0 (a memset for kernel memory). */
export function zeroFloats(a: Float32Array | Float64Array): void {
  if (bulkFill && a instanceof Float32Array && shared !== null && a.length > 16 && shared.owns(a)) bulkFill(a.byteOffset, 0, a.byteLength);
  else a.fill(0);
}

let shared: KernelMemory | null = null;

/** The process-wide kernel memory (created on first call). */
export function kernelMemory(): KernelMemory {
  if (!shared) shared = new KernelMemory();
  return shared;
}

/** A position in a BumpRegion (see `mark`). */
export interface RegionMark {
  readonly chunk: number;
  readonly pos: number;
  readonly usedInPrevChunks: number;
}

/** A bump allocator over chunks of the kernel memory. */
export class BumpRegion {
  private chunks: { start: number; end: number }[] = [];
  private chunk = -1;
  private pos = 0;
  private end = 0;
  /** High-water mark of bytes handed out between resets, over the region's life. */
  peakBytes = 0;
  private usedInPrevChunks = 0;

  constructor(private readonly mem: KernelMemory, private readonly minChunk = MIN_CHUNK) {}

  /** Byte address of `bytes` fresh bytes (not zeroed). */
  allocBytes(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    if (this.pos + size > this.end) this.nextChunk(size);
    const ptr = this.pos;
    this.pos += size;
    const used = this.usedInPrevChunks + (this.pos - this.chunks[this.chunk]!.start);
    if (used > this.peakBytes) this.peakBytes = used;
    return ptr;
  }

  /** `n` zero-filled floats. */
  floats(n: number): Float32Array {
    return this.floatsAt(this.allocBytes(n * 4), n);
  }

  /** A zero-filled view of `n` floats at `ptr` (a block this region handed out). */
  floatsAt(ptr: number, n: number): Float32Array {
    fillBytes(this.mem, ptr, n * 4);
    return this.viewAt(ptr, n);
  }

  /** A view of `n` floats at `ptr` (a block this region handed out), as they are. */
  viewAt(ptr: number, n: number): Float32Array {
    return this.mem.floats(ptr, n);
  }

  /** True if `a` is a view on this region's memory. */
  owns(a: ArrayBufferView): boolean {
    return this.mem.owns(a);
  }

  /** Fill `bytes` bytes at `ptr` (a block this region handed out) with NaN. */
  poison(ptr: number, bytes: number): void {
    fillBytes(this.mem, ptr, bytes, true);
  }

  private nextChunk(size: number): void {
    if (this.chunk >= 0) this.usedInPrevChunks += this.pos - this.chunks[this.chunk]!.start;
    // Reuse a later chunk that fits (after a reset), else carve a new one.
    for (let c = this.chunk + 1; c < this.chunks.length; c++) {
      const ch = this.chunks[c]!;
      if (ch.end - ch.start >= size) {
        this.chunk = c;
        this.pos = ch.start;
        this.end = ch.end;
        return;
      }
    }
    // Chunks double in size, so a region settles in a few chunks whatever the sizes asked of it,
    // and a repeated unit of work (a training step) soon allocates nothing new. Pages a chunk
    // never touches cost no memory.
    const last = this.chunks[this.chunks.length - 1];
    const bytes = Math.max(this.minChunk, size, last ? 2 * (last.end - last.start) : 0);
    const start = this.mem.carve(bytes);
    this.chunks.push({ start, end: start + alignUp(bytes) });
    this.chunk = this.chunks.length - 1;
    this.pos = start;
    this.end = start + alignUp(bytes);
  }

  /** The current position, for `rewind`. */
  mark(): RegionMark {
    return { chunk: this.chunk, pos: this.pos, usedInPrevChunks: this.usedInPrevChunks };
  }

  /** True if byte address `ptr` lies in a chunk of this region. */
  contains(ptr: number): boolean {
    for (const ch of this.chunks) if (ptr >= ch.start && ptr < ch.end) return true;
    return false;
  }

  /**
   * Release everything handed out since `m` (from `mark()`); with `poison`, fill the released
   * bytes with NaN.
   */
  rewind(m: RegionMark, poison = false): void {
    if (poison && this.chunk >= 0) {
      for (let c = Math.max(m.chunk, 0); c <= this.chunk; c++) {
        const ch = this.chunks[c]!;
        const from = c === m.chunk ? m.pos : ch.start;
        const stop = c === this.chunk ? this.pos : ch.end;
        if (stop > from) fillBytes(this.mem, from, stop - from, true);
      }
    }
    if (m.chunk < 0) {
      this.chunk = -1;
      this.pos = this.end = this.usedInPrevChunks = 0;
      if (this.chunks.length > 0) {
        this.chunk = 0;
        this.pos = this.chunks[0]!.start;
        this.end = this.chunks[0]!.end;
      }
      return;
    }
    this.chunk = m.chunk;
    this.pos = m.pos;
    this.end = this.chunks[m.chunk]!.end;
    this.usedInPrevChunks = m.usedInPrevChunks;
  }

  /** Rewind to the start; with `poison`, fill every byte handed out since the last reset with NaN. */
  reset(poison = false): void {
    this.rewind({ chunk: -1, pos: 0, usedInPrevChunks: 0 }, poison);
  }

  /** Bytes of kernel memory this region holds. */
  get reservedBytes(): number {
    return this.chunks.reduce((s, c) => s + c.end - c.start, 0);
  }
}

const poisonArenas = typeof process !== "undefined" && process.env?.ATTN_ARENA_POISON === "1";

/**
 * Storage for the tensors of one repeated unit of work (a training step, a decoding batch).
 * `run(fn)` makes it the allocator of every float32 tensor created inside `fn`; `reset()`
 * releases all of them at once.
 */
export class Arena {
  private readonly region: BumpRegion;
  /** Blocks given back by `free` before the reset, by size in bytes: reused by `floats`. */
  private readonly freeBlocks = new Map<number, number[]>();

  constructor(mem: KernelMemory = kernelMemory()) {
    this.region = new BumpRegion(mem);
  }

  /** Run `fn` with this arena as the allocator (nests: the previous allocator is restored). */
  run<T>(fn: () => T): T {
    const prev = currentArena;
    currentArena = this;
    try {
      return fn();
    } finally {
      currentArena = prev;
    }
  }

  /** Release every allocation (poisoned with NaN when ATTN_ARENA_POISON=1). */
  reset(): void {
    this.freeBlocks.clear();
    this.region.reset(poisonArenas);
  }

  /**
   * Give one array back before the reset (an intermediate gradient once backward is past it),
   * so later allocations of the same size reuse it and a step's peak memory stays near what is
   * live at once. Arrays that are not this arena's are ignored. The caller must hold the only
   * reference.
   */
  free(a: Float32Array): void {
    // Small arrays may live on V8's heap, where asking for their buffer costs an allocation.
    if (a.length <= 16 || !this.region.owns(a) || !this.region.contains(a.byteOffset)) return;
    const bytes = alignUp(a.byteLength);
    if (poisonArenas) this.region.poison(a.byteOffset, bytes);
    let list = this.freeBlocks.get(bytes);
    if (!list) this.freeBlocks.set(bytes, (list = []));
    list.push(a.byteOffset);
  }

  /** The current position, to release only what comes after it (`rewind`). */
  mark(): RegionMark {
    return this.region.mark();
  }

  /** Release every allocation made since `m` (poisoned like `reset`). */
  rewind(m: RegionMark): void {
    // Freed blocks past the mark are about to be handed out again by the bump pointer.
    this.freeBlocks.clear();
    this.region.rewind(m, poisonArenas);
  }

  /**
   * Run `fn` in this arena and release what it allocated afterwards: for work whose results
   * are plain numbers or copied out (a decoding batch, a validation batch). Nests inside this
   * arena's own `run`: only what `fn` allocated is released.
   */
  scoped<T>(fn: () => T): T {
    const m = this.mark();
    try {
      return this.run(fn);
    } finally {
      this.rewind(m);
    }
  }

  floats(n: number): Float32Array {
    return this.region.floatsAt(this.block(n), n);
  }

  /**
   * `n` floats whose contents are unspecified, for an output its kernel writes whole: zeroing
   * it first would be a wasted pass over memory (a few % of a step). With ATTN_ARENA_POISON=1
   * they are NaN, so an element a kernel fails to write shows up in every test.
   */
  uninitFloats(n: number): Float32Array {
    const ptr = this.block(n);
    if (poisonArenas) this.region.poison(ptr, alignUp(Math.max(n * 4, 1)));
    return this.region.viewAt(ptr, n);
  }

  /** Byte address of a block for `n` floats: a same-size block given back by `free`, else fresh. */
  private block(n: number): number {
    const bytes = Math.max(n * 4, 1);
    return this.freeBlocks.get(alignUp(bytes))?.pop() ?? this.region.allocBytes(bytes);
  }

  /** Byte address of `bytes` uninitialised bytes (kernel scratch, masks, ids). */
  allocBytes(bytes: number): number {
    return this.region.allocBytes(bytes);
  }

  /** Most bytes in use between two resets so far. */
  get peakBytes(): number {
    return this.region.peakBytes;
  }

  /** Start the peak count afresh (after a reset: to measure one unit of work's peak). */
  resetPeak(): void {
    this.region.peakBytes = 0;
  }

  get reservedBytes(): number {
    return this.region.reservedBytes;
  }
}

let currentArena: Arena | null = null;

/** The arena allocating float32 storage right now, or null (ordinary JS-heap arrays). */
export function activeArena(): Arena | null {
  return currentArena;
}

/** Give an array back to the active arena before its reset (see Arena.free); a no-op elsewhere. */
export function releaseFloat(a: Float32Array | Float64Array): void {
  if (currentArena && a instanceof Float32Array) currentArena.free(a);
}

let scratchArena: Arena | null = null;

/**
 * Run `fn` with its tensors in an arena and release them afterwards: the active arena when there
 * is one (released back to where it stood), else a shared process-wide arena.
 */
export function inScopedArena<T>(fn: () => T): T {
  const arena = currentArena ?? (scratchArena ??= new Arena());
  return arena.scoped(fn);
}

let persistent: BumpRegion | null = null;
const persistentArrays = new WeakSet<ArrayBufferView>();

/** `n` zero-filled floats in kernel memory that are never freed (parameters, gradients, optimizer state). */
export function allocPersistent(n: number): Float32Array {
  if (!persistent) persistent = new BumpRegion(kernelMemory(), MIN_CHUNK);
  const a = persistent.floats(n);
  persistentArrays.add(a);
  return a;
}

/** Bytes handed out by `allocPersistent` so far (a steady-state training step adds none). */
export function persistentBytes(): number {
  return persistent ? persistent.peakBytes : 0;
}

/** True for arrays from `allocPersistent`. */
export function isPersistent(a: ArrayBufferView): boolean {
  return persistentArrays.has(a);
}

/** True if `a` lives in the kernel memory (persistent or arena). */
export function inKernelMemory(a: ArrayBufferView): boolean {
  return shared !== null && shared.owns(a);
}
