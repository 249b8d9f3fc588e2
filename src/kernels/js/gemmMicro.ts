/**
 * The 4×4 register-blocked micro-kernel of the blocked matmul: 16 scalar accumulators that V8
 * keeps in (or near) registers, fed by one packed A panel (4 values per step) and one packed B
 * panel (4 values per step), both read sequentially. Monomorphic: it only ever sees
 * Float64Array scratch, whatever the element type of the caller's storage.
 *
 * tile[r·4 + c] = Σ_p A[pa + 4p + r] · B[pb + 4p + c] for p < kc.
 */
export function microKernel4x4(kc: number, a: Float64Array, pa: number, b: Float64Array, pb: number, tile: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = pa + 4 * kc;
  while (pa < end) {
    const a0 = a[pa]!, a1 = a[pa + 1]!, a2 = a[pa + 2]!, a3 = a[pa + 3]!;
    const b0 = b[pb]!, b1 = b[pb + 1]!, b2 = b[pb + 2]!, b3 = b[pb + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pa += 4;
    pb += 4;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
}
