/**
 * `Content-Disposition: attachment` for a download, with a filename a browser can use safely
 * (RFC 6266): an ASCII fallback in `filename` (quotes, backslashes, control and non-ASCII
 * characters replaced) and the exact name, UTF-8 percent-encoded, in `filename*` (RFC 8187).
 * The name is the key's last segment: never a path, so it cannot steer where the file is saved.
 */

const FALLBACK_NAME = "download";

/** The last `/`-separated segment of a key, or a neutral name when the key ends with `/`. */
export function downloadName(key: string): string {
  const name = key.slice(key.lastIndexOf("/") + 1);
  // "." and ".." name directories, not files; a browser would refuse or rename them anyway.
  return name === "" || name === "." || name === ".." ? FALLBACK_NAME : name;
}

function asciiFallback(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_").trim();
  return ascii === "" ? FALLBACK_NAME : ascii;
}

/** RFC 8187 value-chars: attr-char stays, everything else is %XX of its UTF-8 bytes. */
function extValue(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function attachmentDisposition(key: string): string {
  const name = downloadName(key);
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${extValue(name)}`;
}
