/** Object key rules: UTF-8, 1 to 1024 bytes, no NUL. Keys are kept exactly as given. */
export const MAX_KEY_BYTES = 1024;

export function objectKeyProblem(key: string): string | null {
  if (key.length === 0) return "The object key is empty.";
  if (key.includes("\0")) return "The object key contains a NUL character.";
  if (/[\uD800-\uDFFF]/.test(key.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) return "The object key is not valid UTF-8.";
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) return `The object key is longer than ${MAX_KEY_BYTES} bytes.`;
  return null;
}
