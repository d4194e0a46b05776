/** Sizes as the console writes them (pure; the browser and the server share it). */
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** Binary units, one decimal below 10: "512 B", "1.5 KiB", "27 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}
