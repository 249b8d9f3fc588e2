import { describe, expect, it } from "vitest";
import { Rng } from "../../src/tensor/rng.js";

const draw = (rng: Rng, n: number, f: (r: Rng) => number): number[] => Array.from({ length: n }, () => f(rng));
const u32 = (r: Rng): number => r.nextUint32();

describe("Rng", () => {
  it("implements xoshiro128** exactly (reference C outputs)", () => {
    const r = new Rng(0);
    r.setState({ words: [1, 2, 3, 4], spareNormal: null });
    expect(draw(r, 6, u32)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    r.setState({ words: [0x9e3779b9, 0x7f4a7c15, 0xdeadbeef, 0x01234567], spareNormal: null });
    expect(draw(r, 6, u32)).toEqual([199744174, 3631572119, 1073906693, 4210912454, 2084002753, 3936010285]);
  });

  it("gives identical sequences for the same seed", () => {
    expect(draw(new Rng(7), 100, u32)).toEqual(draw(new Rng(7), 100, u32));
    expect(draw(new Rng(7), 101, (r) => r.normal())).toEqual(draw(new Rng(7), 101, (r) => r.normal()));
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = [...a];
    new Rng(7).shuffle(a);
    new Rng(7).shuffle(b);
    expect(a).toEqual(b);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(new Rng(3).permutation(20))).toEqual(Array.from(new Rng(3).permutation(20)));
  });

  it("gives different sequences for different seeds (including negative and 0)", () => {
    const seqs = [0, 1, 2, -1, 123456789].map((s) => draw(new Rng(s), 8, u32).join(","));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it("draws in the documented ranges", () => {
    const r = new Rng(11);
    for (let i = 0; i < 2000; i++) {
      const u = r.nextUint32();
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      const v = r.uniform(-2, 3);
      expect(v >= -2 && v < 3).toBe(true);
    }
    const p = Array.from(r.permutation(30)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("normal() has mean ≈ 0 and variance ≈ 1", () => {
    const xs = draw(new Rng(5), 20000, (r) => r.normal());
    const m = xs.reduce((a, v) => a + v, 0) / xs.length;
    const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });

  it("fork is reproducible, independent and does not advance the parent", () => {
    const parent = new Rng(21);
    const f1 = draw(parent.fork("init"), 20, u32);
    const f2 = draw(parent.fork("init"), 20, u32);
    expect(f1).toEqual(f2);
    expect(draw(parent, 20, u32)).toEqual(draw(new Rng(21), 20, u32));
    expect(draw(new Rng(21).fork("dropout"), 20, u32)).not.toEqual(draw(new Rng(21).fork("init"), 20, u32));
    expect(draw(new Rng(21).fork("init"), 20, u32)).not.toEqual(draw(new Rng(21), 20, u32));
    expect(draw(new Rng(22).fork("init"), 20, u32)).not.toEqual(draw(new Rng(21).fork("init"), 20, u32));
    // Drawing from a fork leaves the parent untouched.
    const p = new Rng(9);
    const child = p.fork("x");
    draw(child, 10, u32);
    expect(draw(p, 10, u32)).toEqual(draw(new Rng(9), 10, u32));
  });

  it("getState / setState resume exactly, including a cached normal", () => {
    const r = new Rng(33);
    draw(r, 5, u32);
    r.normal(); // leaves the second Box–Muller variate cached
    const state = r.getState();
    expect(state.spareNormal).not.toBeNull();
    const expected = [...draw(r, 3, (x) => x.normal()), ...draw(r, 5, u32)];
    const resumed = new Rng(0);
    resumed.setState(JSON.parse(JSON.stringify(state)) as ReturnType<Rng["getState"]>);
    expect([...draw(resumed, 3, (x) => x.normal()), ...draw(resumed, 5, u32)]).toEqual(expected);
    // State words are uint32.
    for (const w of state.words) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
  });

  it("rejects bad arguments", () => {
    expect(() => new Rng(1.5)).toThrow(/Rng: seed must be an integer, got 1.5/);
    expect(() => new Rng(1).int(0)).toThrow(/Rng.int: n must be positive, got 0/);
  });
});

describe("Rng state words", () => {
  it("are uint32 for forked generators too (so checkpoints can validate them)", () => {
    const r = new Rng(7).fork("scheduled-sampling");
    for (let i = 0; i < 100; i++) {
      for (const w of r.getState().words) expect(w >>> 0).toBe(w);
      r.nextUint32();
    }
  });
});
