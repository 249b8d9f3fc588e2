import { evenCuts } from "./rangeSplit.js";

/**
 * How a product is divided between kernel threads: into blocks of whole output columns (or, for
 * tall thin products, whole rows), never along the reduction, so each C(i, j) is summed by one
 * thread in the same order as on one thread, and the result has the same bits for any count.
 *
 * There are a few blocks per thread, not one: the threads take blocks from a shared queue
 * (threads.ts), so a thread that starts late or runs slower (a worker waking from sleep, a core
 * the virtual machine lends to someone else) takes fewer, and nobody waits long for the last.
 */

/** Products below this many FLOP (2·m·n·k) stay on one thread: the hand-off (~15 µs) would cost more than it saves. */
export const THREAD_MIN_FLOPS = 1 << 22;
/**
 * Column blocks are multiples of this (the gemm's widest tile), row blocks of ROW_ALIGN (a
 * multiple of both gemms' panel rows: 4 in c/gemm.c, 6 in the AVX2 gemm).
 */
const COL_ALIGN = 32;
const ROW_ALIGN = 12;
/** Blocks per thread (at least, where the shape allows): enough to even out uneven threads. */
export const BLOCKS_PER_THREAD = 4;
/**
 * Large products get more blocks, about this many FLOP each (~1 ms): the last block ends the
 * call, so the other threads wait up to one block's time; a block repacks only a small part.
 */
const BLOCK_FLOPS = 1 << 25;
/** Most blocks of one product. */
export const MAX_BLOCKS = 64;

/**
 * Products of at least this many FLOP run in two phases on threads: pack both operands whole,
 * then compute the blocks from them (gemm.ts). Below it, each block packs its own operands: the
 * extra hand-off would cost more than the packing saved.
 */
export const SHARED_PACK_MIN_FLOPS = 1 << 26;
/** Pieces per thread of the packing phase. */
const PACK_PIECES_PER_THREAD = 2;
/**
 * Pack pieces start on multiples of these rows of op(A) / columns of op(B): whole panels of
 * both gemms (c/gemm.c MR 4, NR 8; the AVX2 gemm's 6, 16).
 */
const PANEL_ROWS = 12;
const PANEL_COLS = 16;

export interface PackPiece {
  /** 0: rows of op(A); 1: columns of op(B). */
  operand: 0 | 1;
  start: number;
  count: number;
}

/** The packing phase of an m×n product: each operand cut into near-equal runs of whole panels, PACK_PIECES_PER_THREAD per thread between them. */
export function planPackSplit(m: number, n: number, threads: number): PackPiece[] {
  const want = Math.max(2, threads * PACK_PIECES_PER_THREAD);
  const pieces: PackPiece[] = [];
  for (const [operand, extent, align] of [[0, m, PANEL_ROWS], [1, n, PANEL_COLS]] as const) {
    const parts = Math.max(1, Math.min(Math.ceil(extent / align), Math.round((want * extent) / (m + n))));
    for (const [start, count] of evenCuts(extent, parts, align)) pieces.push({ operand, start, count });
  }
  return pieces;
}

export interface GemmBlock {
  /** First row and row count of the block. */
  i0: number;
  rows: number;
  /** First column and column count. */
  j0: number;
  cols: number;
}

/** Split an m×n output into blocks of near-equal size: `threads` × BLOCKS_PER_THREAD, more for large products (at most MAX_BLOCKS); one block when not worth it. */
export function planGemmSplit(m: number, n: number, k: number, threads: number): GemmBlock[] {
  if (threads <= 1 || 2 * m * n * k < THREAD_MIN_FLOPS) return [{ i0: 0, rows: m, j0: 0, cols: n }];
  const byCols = n >= COL_ALIGN * 2 && (n >= m || m < ROW_ALIGN * 2);
  const extent = byCols ? n : m;
  const align = byCols ? COL_ALIGN : ROW_ALIGN;
  const units = Math.ceil(extent / align);
  const parts = Math.min(units, MAX_BLOCKS, Math.max(threads * BLOCKS_PER_THREAD, Math.ceil((2 * m * n * k) / BLOCK_FLOPS)));
  if (parts <= 1) return [{ i0: 0, rows: m, j0: 0, cols: n }];
  return evenCuts(extent, parts, align).map(([start, count]) =>
    byCols ? { i0: 0, rows: m, j0: start, cols: count } : { i0: start, rows: count, j0: 0, cols: n });
}
