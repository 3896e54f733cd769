/**
 * A small seeded generator (mulberry32): the simulator's only source of chance, so the same seed
 * gives the same run.
 * @example const next = seededRandom(42); next() // 0.6011037519201636, always
 */
export function seededRandom(seed: number): () => number {
  // the high bits of a large seed count too
  let state = (seed ^ Math.floor(seed / 4_294_967_296)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A whole number from min to max (both included). */
export function between(next: () => number, min: number, max: number): number {
  return min + Math.floor(next() * (max - min + 1));
}
