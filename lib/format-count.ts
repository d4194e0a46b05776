/** Counts as the console writes them (pure; the browser and the server share it). */

/** "1 object", "2,500 objects", "0 keys": the number with thousands separators and the noun agreeing with it. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? noun : plural}`;
}
