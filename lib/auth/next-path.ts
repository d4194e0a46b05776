/**
 * Where to go after signing in (`/sign-in?next=...`). Pure. Browsers do not read a URL as written:
 * they drop tabs and line breaks anywhere, trim leading control characters and spaces, and read `\`
 * as `/`. So `/\t/evil.example` and `/\evil.example` are `//evil.example`, another host. The
 * value is therefore resolved the way a browser would, and kept only if it stays on our origin.
 */
const DEFAULT_NEXT_PATH = "/buckets";
// Any origin that no real URL in `next` can have: a result on another origin was an escape.
const BASE = new URL("http://next-path.invalid");

/** A same-origin path (with query and fragment) to return to; anything else becomes the bucket list. */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string") return DEFAULT_NEXT_PATH;
  // What the WHATWG URL parser strips before parsing (the spec's C0 control or space, and tab/newline).
  const cleaned = next.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  const slashes = cleaned.replace(/\\/g, "/");
  // Only a path: no scheme (`javascript:`, `https:`) and no authority (`//host`).
  if (!slashes.startsWith("/") || slashes.startsWith("//")) return DEFAULT_NEXT_PATH;
  let url: URL;
  try {
    url = new URL(cleaned, BASE);
  } catch {
    return DEFAULT_NEXT_PATH;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can resolve to `//host` (`/a/..//evil.example`), which is again another host.
  if (url.origin !== BASE.origin || path.startsWith("//")) return DEFAULT_NEXT_PATH;
  // The resolved form, not the input: what we redirect to is exactly what was checked.
  return path;
}
