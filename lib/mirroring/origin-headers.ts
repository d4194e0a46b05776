/**
 * Which request headers reach the origin. The same functions decide what the engine sends and
 * what the console preview says will be sent.
 */
export interface HeaderRules {
  passAll: boolean;
  pass: string[];
  prohibit: string[];
  set: { name: string; value: string }[];
}

const FORBIDDEN_EXACT = new Set([
  "content-length",
  "authorization",
  "range",
  "date",
  "content-md5",
  "host",
  "connection",
  "keep-alive",
  "te",
  "transfer-encoding",
  "upgrade",
]);

/** Why a header can never be passed to or set for the origin, or null when it can. */
export function forbiddenHeaderReason(name: string): string | null {
  const lower = name.toLowerCase();
  if (FORBIDDEN_EXACT.has(lower)) return `${name} is managed by the service and can never be passed or set.`;
  if (lower.startsWith("x-bce-")) return `${name}: x-bce-* headers belong to the service and can never be passed or set.`;
  if (lower.startsWith("proxy-")) return `${name}: Proxy-* headers are hop-by-hop and can never be passed or set.`;
  return null;
}

/** RFC 9110 token: the characters a header name may use. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The headers to send to the origin for a request that carried `incoming` (names lower-case).
 * Forbidden headers never pass, whatever the rule says; `set` wins over a passed value.
 */
export function buildOriginHeaders(rules: HeaderRules, incoming: Iterable<[string, string]>): Map<string, string> {
  const prohibited = new Set(rules.prohibit.map((name) => name.toLowerCase()));
  const listed = new Set(rules.pass.map((name) => name.toLowerCase()));
  const out = new Map<string, string>();
  for (const [rawName, value] of incoming) {
    const name = rawName.toLowerCase();
    const wanted = rules.passAll || listed.has(name);
    if (wanted && !prohibited.has(name) && forbiddenHeaderReason(name) === null) out.set(name, value);
  }
  for (const { name, value } of rules.set) {
    if (forbiddenHeaderReason(name) === null) out.set(name.toLowerCase(), value);
  }
  return out;
}

/** A sentence for the preview: which request headers would be sent. */
export function describeHeaderForwarding(rules: HeaderRules): string {
  const prohibited = rules.prohibit.length ? `, except ${rules.prohibit.join(", ")}` : "";
  let passed: string;
  if (rules.passAll) passed = `All request headers${prohibited} (never Host, Authorization, Range or x-bce-*)`;
  else if (rules.pass.length) {
    const names = rules.pass.filter((name) => !rules.prohibit.some((p) => p.toLowerCase() === name.toLowerCase()));
    passed = names.length ? `Request headers ${names.join(", ")} when present` : "No request headers";
  } else passed = "No request headers";
  const set = rules.set.length ? `; always sets ${rules.set.map((header) => header.name).join(", ")}` : "";
  return passed + set + ".";
}
