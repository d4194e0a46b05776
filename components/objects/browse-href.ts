/** The Objects tab's address for a folder and an optional search, as the browser keeps them in the URL. */
export function browseHref(bucket: string, prefix: string, search = ""): string {
  const query = new URLSearchParams();
  if (prefix) query.set("prefix", prefix);
  if (search) query.set("search", search);
  const text = query.toString();
  return `/buckets/${encodeURIComponent(bucket)}/objects${text ? `?${text}` : ""}`;
}
