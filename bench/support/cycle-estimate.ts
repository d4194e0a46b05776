/**
 * The cycle estimate the callgrind benches print, as KCachegrind makes it: instructions, plus 10 per
 * first-level cache miss and 100 per last-level one (callgrind's events with `--cache-sim=yes`).
 */
export const FIRST_LEVEL_MISSES = ["I1mr", "D1mr", "D1mw"] as const;
export const LAST_LEVEL_MISSES = ["ILmr", "DLmr", "DLmw"] as const;
export const CACHE_EVENTS: readonly string[] = [...FIRST_LEVEL_MISSES, ...LAST_LEVEL_MISSES];

/** The estimate from a count per event name (0 for an event not recorded). */
export function cycleEstimate(count: (event: string) => number): number {
  const sum = (events: readonly string[]) => events.reduce((total, event) => total + count(event), 0);
  return count("Ir") + 10 * sum(FIRST_LEVEL_MISSES) + 100 * sum(LAST_LEVEL_MISSES);
}
