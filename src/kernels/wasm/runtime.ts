import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { packageFile } from "../../packageFiles.js";
import { BumpRegion, kernelMemory, type KernelMemory, RESERVED_BYTES, setBulkFill } from "../../tensor/storage.js";
import { runSplit } from "./rangeSplit.js";

/** Bytes per thread below which a fill stays on one thread (a memset does several bytes per ns; the hand-off costs ~15 µs). */
const FILL_MIN_BYTES_PER_THREAD = 1 << 20;

/**
 * Loads the compiled kernel module (build/kernels-{simd,fma}.wasm, built from ./c by
 * `npm run build:kernels`) onto the process-wide kernel memory, and gives typed access to its
 * exports plus the marshalling that lets a kernel take any Float32Array: storage already in
 * kernel memory is passed by address; anything else is copied into a scratch region first (and
 * outputs copied back), so callers never need to know where a tensor lives.
 */
export type WasmVariant = "simd" | "fma";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ExportFn = (...args: number[]) => any;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * Arrays of at most this many elements are always copied: V8 keeps such small typed arrays on
 * its heap, and merely reading their `.buffer` (to ask whether it is kernel memory) makes it
 * allocate an ArrayBuffer for them, which costs more than the copy.
 */
const SMALL = 16;

const moduleBytes = new Map<WasmVariant, Uint8Array>();

/** The committed module bytes of a variant. */
export function kernelModuleBytes(variant: WasmVariant): Uint8Array {
  let b = moduleBytes.get(variant);
  if (!b) {
    b = new Uint8Array(readFileSync(packageFile(`src/kernels/wasm/build/kernels-${variant}.wasm`)));
    moduleBytes.set(variant, b);
  }
  return b;
}

let relaxedFlagSet = false;

/**
 * Node 20 ships relaxed SIMD behind a flag; V8 reads it when it validates or compiles a module,
 * so setting it at run time, before the first compile of the FMA module, is enough.
 */
function enableRelaxedSimd(): void {
  if (relaxedFlagSet) return;
  relaxedFlagSet = true;
  try {
    setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch {
    // An engine without the flag validates the module or not on its own.
  }
}

/** True if this engine can run the variant's module. */
export function variantSupported(variant: WasmVariant): boolean {
  if (!wasmApi) return false;
  try {
    if (variant === "fma") enableRelaxedSimd();
    return wasmApi.validate(kernelModuleBytes(variant));
  } catch {
    return false;
  }
}

const compiled = new Map<WasmVariant, object>();

/** One instance of the kernel module on the shared kernel memory. */
export class WasmRuntime {
  readonly variant: WasmVariant;
  readonly mem: KernelMemory;
  readonly fn: Record<string, ExportFn>;
  /** The compiled module (for instantiating the same code in worker threads). */
  readonly module: object;
  private readonly scratch: ScratchRegion;

  private constructor(variant: WasmVariant, module: object) {
    this.variant = variant;
    this.module = module;
    this.mem = kernelMemory();
    const instance = new wasmApi!.Instance(module, { env: { memory: this.mem.memory } });
    const heapBase = (instance.exports["__heap_base"] as { value: number }).value;
    if (heapBase > RESERVED_BYTES) {
      throw new Error(`kernel module needs ${heapBase} bytes of static memory, more than the ${RESERVED_BYTES} reserved`);
    }
    this.fn = instance.exports as Record<string, ExportFn>;
    this.scratch = new ScratchRegion(this.mem);
    // The tensor layer's memset: large fills (zeroing a gradient) are cut into byte ranges on
    // the kernel threads; a fill writes the same bytes however it is cut.
    const fill = this.fn["fill_bytes"];
    if (fill) {
      setBulkFill((ptr, value, bytes) => {
        if (bytes < 2 * FILL_MIN_BYTES_PER_THREAD) fill(ptr, value, bytes);
        else runSplit(this, "fill_bytes", bytes, FILL_MIN_BYTES_PER_THREAD, 64, (s, c) => [ptr + s, value, c]);
      });
    }
  }

  /** Load a variant, or null where the engine cannot run it. */
  static load(variant: WasmVariant): WasmRuntime | null {
    if (!variantSupported(variant)) return null;
    let module = compiled.get(variant);
    if (!module) {
      module = new wasmApi!.Module(kernelModuleBytes(variant));
      compiled.set(variant, module);
    }
    return new WasmRuntime(variant, module);
  }

  /**
   * Address of `a[off .. off+n)` for a kernel to read. Storage outside kernel memory is copied
   * into scratch (valid until `release()`).
   */
  in(a: StagedArray, off: number, n: number): number {
    if (a.length > SMALL && this.mem.owns(a)) return a.byteOffset + off * a.BYTES_PER_ELEMENT;
    const ptr = this.scratch.alloc(n * a.BYTES_PER_ELEMENT);
    viewLike(a, this.mem.buffer, ptr, n).set(n === a.length && off === 0 ? a : a.subarray(off, off + n));
    return ptr;
  }

  /**
   * Address of `a[off .. off+n)` for a kernel to write (and, with `read`, also to read first:
   * accumulating outputs). Storage outside kernel memory gets a scratch copy that `release()`
   * copies back.
   */
  out(a: Float32Array | Uint8Array, off: number, n: number, read = true): number {
    if (a.length > SMALL && this.mem.owns(a)) return a.byteOffset + off * a.BYTES_PER_ELEMENT;
    const ptr = read ? this.in(a, off, n) : this.scratch.alloc(n * a.BYTES_PER_ELEMENT);
    this.scratch.pending.push({ dst: a, off, ptr, n });
    return ptr;
  }

  /** Uninitialised scratch bytes for a kernel's own workspace (valid until `release()`). */
  work(bytes: number): number {
    return this.scratch.alloc(bytes);
  }

  /** Copy every `out` scratch back to its array and free all scratch. Call after each kernel. */
  release(): void {
    const s = this.scratch;
    for (const p of s.pending) p.dst.set(viewLike(p.dst, this.mem.buffer, p.ptr, p.n), p.off);
    s.pending.length = 0;
    s.reset();
  }
}

/** Arrays a kernel can take by address. */
type StagedArray = Float32Array | Int32Array | Uint8Array;

/** A view of the same element type as `a` on `buffer`. */
function viewLike<T extends StagedArray>(a: T, buffer: SharedArrayBuffer, ptr: number, n: number): T {
  return new (a.constructor as new (b: SharedArrayBuffer, o: number, n: number) => T)(buffer, ptr, n);
}

/** Scratch space for marshalling, rewound after every kernel call (storage.ts's BumpRegion). */
class ScratchRegion {
  readonly pending: { dst: Float32Array | Uint8Array; off: number; ptr: number; n: number }[] = [];
  private readonly region: BumpRegion;

  constructor(mem: KernelMemory) {
    this.region = new BumpRegion(mem, 1 << 20);
  }

  alloc(bytes: number): number {
    return this.region.allocBytes(bytes);
  }

  reset(): void {
    this.region.reset();
  }
}
