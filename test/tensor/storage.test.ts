import { describe, expect, it } from "vitest";
import { allocFloat, withFloat64 } from "../../src/tensor/dtype.js";
import { Arena, allocPersistent, inKernelMemory, inScopedArena, isPersistent, kernelMemory, activeArena, releaseFloat } from "../../src/tensor/storage.js";
import "../../src/autograd/index.js";
import { sum, tanh } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";

describe("kernel memory storage", () => {
  it("allocFloat uses the active arena, and the JS heap outside any arena", () => {
    const arena = new Arena();
    const outside = allocFloat(10);
    expect(inKernelMemory(outside)).toBe(false);
    const inside = arena.run(() => allocFloat(10));
    expect(inKernelMemory(inside)).toBe(true);
    expect(Array.from(inside)).toEqual(new Array(10).fill(0));
    expect(activeArena()).toBe(null);
  });

  it("float64 storage (gradient checks) never lives in kernel memory", () => {
    const arena = new Arena();
    const a = arena.run(() => withFloat64(() => allocFloat(4)));
    expect(a).toBeInstanceOf(Float64Array);
    expect(inKernelMemory(a)).toBe(false);
  });

  it("a reset arena hands out the same memory again, zero-filled, without growing", () => {
    const arena = new Arena();
    const first = arena.run(() => [allocFloat(1000), allocFloat(3), allocFloat(70000)]);
    first.forEach((a) => a.fill(7));
    const reserved = arena.reservedBytes;
    const used = kernelMemory().usedBytes;
    arena.reset();
    const second = arena.run(() => [allocFloat(1000), allocFloat(3), allocFloat(70000)]);
    expect(second.map((a) => a.byteOffset)).toEqual(first.map((a) => a.byteOffset));
    for (const a of second) expect(a.every((v) => v === 0)).toBe(true);
    expect(arena.reservedBytes).toBe(reserved);
    expect(kernelMemory().usedBytes).toBe(used);
  });

  it("allocations are 64-byte aligned and never overlap", () => {
    const arena = new Arena();
    const arrays = arena.run(() => [1, 5, 17, 64, 1 << 20, 3].map((n) => allocFloat(n)));
    for (const a of arrays) expect(a.byteOffset % 64).toBe(0);
    const spans = arrays.map((a) => [a.byteOffset, a.byteOffset + a.byteLength]).sort((x, y) => x[0]! - y[0]!);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]!).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
  });

  it("grows across chunks when one allocation is larger than a chunk, and old views stay valid", () => {
    const arena = new Arena();
    const small = arena.run(() => allocFloat(16));
    small.fill(3);
    const big = arena.run(() => allocFloat(3 << 20)); // 12 MiB: larger than a chunk, may grow the memory
    big[big.length - 1] = 5;
    expect(small.every((v) => v === 3)).toBe(true);
    expect(big[big.length - 1]).toBe(5);
  });

  it("released arena memory is poisoned with NaN in the test suite, so stale tensors show up", () => {
    expect(process.env.ATTN_ARENA_POISON).toBe("1");
    const arena = new Arena();
    const t = arena.run(() => Tensor.full([4], 2));
    arena.reset();
    expect(t.data.every((v) => Number.isNaN(v))).toBe(true);
  });

  it("Tensor.empty is NaN under poison (fresh, reused or freed memory alike), zeros off the arena, and does not overlap live tensors", () => {
    const arena = new Arena();
    arena.run(() => {
      const live = Tensor.full([1000], 3);
      const fresh = Tensor.empty([10, 100]);
      expect(inKernelMemory(fresh.data)).toBe(true);
      expect(fresh.data.every(Number.isNaN)).toBe(true);
      fresh.data.fill(1);
      releaseFloat(fresh.data);
      const reused = Tensor.empty([1000]); // the freed block, same size
      expect(reused.data.byteOffset).toBe(fresh.data.byteOffset);
      expect(reused.data.every(Number.isNaN)).toBe(true);
      expect(live.data.every((v) => v === 3)).toBe(true);
    });
    arena.reset();
    const again = arena.run(() => Tensor.empty([500]));
    expect(again.data.every(Number.isNaN)).toBe(true);
    const outside = Tensor.empty([5]);
    expect(inKernelMemory(outside.data)).toBe(false);
    expect(Array.from(outside.data)).toEqual([0, 0, 0, 0, 0]);
    const f64 = arena.run(() => withFloat64(() => Tensor.empty([3])));
    expect(f64.data).toBeInstanceOf(Float64Array);
  });

  it("mark/rewind releases only what came after the mark; scoped nests inside an active arena", () => {
    const arena = new Arena();
    arena.run(() => {
      const keep = Tensor.full([8], 1);
      const inner = inScopedArena(() => {
        expect(activeArena()).toBe(arena);
        return Tensor.full([8], 9).data;
      });
      expect(keep.data.every((v) => v === 1)).toBe(true);
      expect(inner.every((v) => Number.isNaN(v))).toBe(true);
      const again = allocFloat(8);
      expect(again.byteOffset).toBe(inner.byteOffset);
    });
  });

  it("persistent storage survives arena resets; a parameter's gradient is persistent too", () => {
    const p = allocPersistent(5);
    expect(isPersistent(p)).toBe(true);
    const t = Tensor.from([1, 2, 3], [3], true);
    t.makePersistent();
    expect(isPersistent(t.data)).toBe(true);
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    const arena = new Arena();
    const g = arena.run(() => t.ensureGrad());
    expect(isPersistent(g)).toBe(true);
    arena.reset();
    expect(Array.from(g)).toEqual([0, 0, 0]);
  });

  it("a freed array is poisoned and its block reused by the next allocation of that size; foreign arrays are ignored", () => {
    const arena = new Arena();
    arena.run(() => {
      const a = allocFloat(100) as Float32Array;
      a.fill(1);
      const b = allocFloat(100) as Float32Array;
      releaseFloat(a);
      expect(a.every((v) => Number.isNaN(v))).toBe(true);
      releaseFloat(new Float32Array(100)); // not the arena's: nothing happens
      const c = allocFloat(100) as Float32Array;
      expect(c.byteOffset).toBe(a.byteOffset);
      expect(c.every((v) => v === 0)).toBe(true);
      const d = allocFloat(100) as Float32Array;
      expect(d.byteOffset).not.toBe(b.byteOffset);
      expect(d.byteOffset).not.toBe(a.byteOffset);
    });
  });

  it("backward gives intermediate gradients back to the step arena, so a step's peak stays below what it allocates", () => {
    const arena = new Arena();
    const w = Tensor.from(Array.from({ length: 4096 }, (_, i) => Math.sin(i)), [64, 64], true);
    w.makePersistent();
    arena.run(() => {
      let x: Tensor = w;
      for (let i = 0; i < 20; i++) x = tanh(x);
      sum(x).backward();
    });
    // 20 activations stay (backward needs them); of the 20 gradients only a few are live at once.
    expect(arena.peakBytes).toBeLessThan(30 * 4096 * 4);
    expect(w.grad!.every((v) => Number.isFinite(v))).toBe(true);
  });
});
