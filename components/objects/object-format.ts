/** How the object browser writes sizes and names. */
import { formatBytes as formatSize } from "@/lib/format-bytes";

/** A size as the console writes it, but small ones in words: "1 byte", "300 bytes". */
export function formatBytes(size: number): string {
  return size < 1024 ? `${size} ${size === 1 ? "byte" : "bytes"}` : formatSize(size);
}

/** A key's name inside the folder being shown. */
export function nameIn(prefix: string, key: string): string {
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}
