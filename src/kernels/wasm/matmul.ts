import type { FloatArray } from "../../tensor/dtype.js";
import { packPanels } from "../js/gemmPack.js";
import type { Kernels } from "../types.js";
import { type WasmMemory, wasmApi } from "./api.js";
import { MAX_PAGES, NR_WASM, gemmModuleBytes } from "./gemmModule.js";

/**
 * Float32 matmul on WebAssembly SIMD (see gemmModule.ts for the kernel). The caller's storage is
 * ordinary Float32Arrays, so each call copies in and out of the module's memory: A and B are
 * packed into panels on the way in (the same packing the JS kernel does, so the copy also
 * absorbs the layout: NN, NT, TN and TT all run one kernel), and C is copied (or added) back.
 * That copying is O(m·k + k·n + m·n) against the O(m·k·n) arithmetic; bench/run.ts measures it
 * separately (the "copy in/out only" rows).
 *
 * The memory grows on demand and is never shrunk; there is no allocation per call. It is a shared
 * memory only so that growing it does not detach its buffer (see MAX_PAGES); nothing else
 * shares it.
 */

/** Rows of A per micro-tile (the C tile is MR × 8). 4 measured best of 2, 4, 6 on 64×256×768. */
const MR_WASM = 4;

type GemmFn = (aPtr: number, bPtr: number, cPtr: number, mPanels: number, nPanels: number, k: number) => void;

/** Byte offsets of the packed A, packed B and C regions for one call. */
interface Layout {
  mPanels: number;
  nPanels: number;
  aPtr: number;
  bPtr: number;
  cPtr: number;
  end: number;
}

const align64 = (n: number) => Math.ceil(n / 64) * 64;

export class WasmMatmul {
  private readonly memory: WasmMemory;
  private readonly gemm: GemmFn;
  private view: Float32Array;

  constructor() {
    if (!wasmApi) throw new Error("WebAssembly is not available");
    const module = new wasmApi.Module(gemmModuleBytes(MR_WASM));
    this.memory = new wasmApi.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const instance = new wasmApi.Instance(module, { env: { memory: this.memory } });
    this.gemm = instance.exports["gemm"] as GemmFn;
    this.view = new Float32Array(this.memory.buffer);
  }

  /** True if this engine validates the SIMD module (Node ≥ 16.4 does). */
  static supported(): boolean {
    try {
      return wasmApi !== undefined && wasmApi.validate(gemmModuleBytes(MR_WASM));
    } catch {
      return false;
    }
  }

  /** Bytes of wasm memory currently reserved (grow-only). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes of wasm memory a product needs (packed A, packed B, padded C). */
  static bytesNeeded(m: number, n: number, k: number): number {
    return WasmMatmul.offsets(m, n, k).end;
  }

  /** Whether the product fits in the largest memory the module allows. */
  static fits(m: number, n: number, k: number): boolean {
    return WasmMatmul.bytesNeeded(m, n, k) <= MAX_PAGES * 65536;
  }

  private static offsets(m: number, n: number, k: number): Layout {
    const mPanels = Math.ceil(m / MR_WASM);
    const nPanels = Math.ceil(n / NR_WASM);
    const aPtr = 0;
    const bPtr = align64(aPtr + mPanels * MR_WASM * k * 4);
    const cPtr = align64(bPtr + nPanels * NR_WASM * k * 4);
    const end = cPtr + mPanels * MR_WASM * nPanels * NR_WASM * 4;
    return { mPanels, nPanels, aPtr, bPtr, cPtr, end };
  }

  private layout(m: number, n: number, k: number): Layout {
    const L = WasmMatmul.offsets(m, n, k);
    const end = L.end;
    if (end > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / 65536));
    }
    // A shared buffer is not detached by growing, but the old view keeps the old length.
    if (this.view.length * 4 < end) this.view = new Float32Array(this.memory.buffer);
    return L;
  }

  /** Pack op(A) and op(B) into wasm memory (the copy-in half of a call). */
  private copyIn(
    L: Layout, a: FloatArray, aOff: number, b: FloatArray, bOff: number,
    m: number, n: number, k: number, transA: boolean, transB: boolean,
  ): void {
    packPanels(a, aOff, transA ? 1 : k, transA ? m : 1, 0, m, 0, k, this.view, L.aPtr / 4, MR_WASM);
    packPanels(b, bOff, transB ? k : 1, transB ? 1 : n, 0, n, 0, k, this.view, L.bPtr / 4, NR_WASM);
  }

  /** Copy (or add) the m×n part of the padded C back to the caller (the copy-out half). */
  private copyOut(L: Layout, c: FloatArray, cOff: number, m: number, n: number, accumulate: boolean): void {
    const ldw = L.nPanels * NR_WASM;
    if (accumulate) addRows(this.view, L.cPtr / 4, ldw, c, cOff, m, n);
    else copyRows(this.view, L.cPtr / 4, ldw, c, cOff, m, n);
  }

  /** Kernels.matmul for m, n, k ≥ 1 with fits(m, n, k) (any element type; the arithmetic is float32). */
  readonly matmul: Kernels["matmul"] = (a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, accumulate) => {
    const L = this.layout(m, n, k);
    this.copyIn(L, a, aOff, b, bOff, m, n, k, transA, transB);
    this.gemm(L.aPtr, L.bPtr, L.cPtr, L.mPanels, L.nPanels, k);
    this.copyOut(L, c, cOff, m, n, accumulate);
  };

  /** Only the copying of a matmul call (for measuring its share of the time in benchmarks). */
  copyOnly(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, transA: boolean, transB: boolean): void {
    const L = this.layout(m, n, k);
    this.copyIn(L, a, 0, b, 0, m, n, k, transA, transB);
    this.copyOut(L, c, 0, m, n, true);
  }

  /** Only the kernel of a matmul call, on whatever the memory holds (benchmarks). */
  kernelOnly(m: number, n: number, k: number): void {
    const L = this.layout(m, n, k);
    this.gemm(L.aPtr, L.bPtr, L.cPtr, L.mPanels, L.nPanels, k);
  }
}

/** c[cOff + i·n + j] = w[w0 + i·ldw + j] for i < m, j < n. */
function copyRows(w: Float32Array, w0: number, ldw: number, c: FloatArray, cOff: number, m: number, n: number): void {
  for (let i = 0, s = w0, d = cOff; i < m; i++, s += ldw, d += n) {
    for (let j = 0; j < n; j++) c[d + j] = w[s + j]!;
  }
}

/** c[cOff + i·n + j] += w[w0 + i·ldw + j] for i < m, j < n. */
function addRows(w: Float32Array, w0: number, ldw: number, c: FloatArray, cOff: number, m: number, n: number): void {
  for (let i = 0, s = w0, d = cOff; i < m; i++, s += ldw, d += n) {
    for (let j = 0; j < n; j++) c[d + j] += w[s + j]!;
  }
}
