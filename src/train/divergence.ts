/**
 * A training loss that blows up without ever becoming NaN (too high a learning rate, usually):
 * an untrained model's cross-entropy is about ln V (a uniform guess over V target tokens), and a
 * learning model only goes down from there, so a mean loss over DIVERGENCE_FACTOR · ln V — the
 * gold token given a probability below V^−10 on average — means training has diverged.
 */
export const DIVERGENCE_FACTOR = 10;

export class DivergenceWatch {
  /** The loss above which training counts as diverging. */
  readonly bound: number;
  private above = false;

  constructor(targetVocabSize: number) {
    this.bound = DIVERGENCE_FACTOR * Math.log(Math.max(2, targetVocabSize));
  }

  /**
   * True when `loss` (a mean over logged steps) crosses the bound: once per crossing, so a run
   * that stays diverged is reported once, and again only after it recovered and blew up anew.
   */
  crossed(loss: number): boolean {
    const above = loss > this.bound;
    const crossed = above && !this.above;
    this.above = above;
    return crossed;
  }
}
