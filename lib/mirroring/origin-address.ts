/**
 * Where a request for key K goes back to origin: mirroring-semantics.md, "Computing the
 * back-to-origin address", steps 1-6. Pure: the console preview and the engine both call it.
 */
import type { MirrorRule, Origin } from "./rule-schema";

type AddressRule = Pick<
  MirrorRule,
  | "mode"
  | "conditionPrefix"
  | "conditionSuffix"
  | "origin"
  | "backupOrigin"
  | "prefixRewrite"
  | "fixedKey"
  | "addressPrefix"
  | "addressSuffix"
  | "passQueryString"
>;

/** Where the object is read from: an HTTP(S) URL, or an object of another bucket here. */
export type OriginTarget =
  | { kind: "url"; url: string }
  | { kind: "bucket"; bucket: string; key: string; query: string };

export interface OriginAddress {
  primary: OriginTarget;
  backup: OriginTarget | null;
  /** The object is stored under the requested key, never under the origin path (step 6). */
  storedKey: string;
  /** The origin path P before percent-encoding. */
  path: string;
  /** Why this key must not go back to origin (the path would leave the rule's address), or null. */
  refusal: string | null;
}

/** Step 1. */
export function ruleMatchesKey(rule: Pick<MirrorRule, "conditionPrefix" | "conditionSuffix">, key: string): boolean {
  return key.startsWith(rule.conditionPrefix) && key.endsWith(rule.conditionSuffix);
}

/** Joins two path parts with exactly one "/" between them; an empty part adds nothing. */
export function joinPath(left: string, right: string): string {
  const head = left.replace(/\/+$/, "");
  const tail = right.replace(/^\/+/, "");
  if (head === "") return tail;
  return `${head}/${tail}`;
}

/** Steps 2-4: the origin path P for key K. */
export function computeOriginPath(rule: AddressRule, key: string): string {
  if (rule.mode === "redirect" && rule.fixedKey !== null) return rule.fixedKey.replace(/^\/+/, "");

  let path = key;
  const rest = key.slice(rule.conditionPrefix.length);
  if (rule.prefixRewrite?.action === "replace") {
    const replacement = rule.prefixRewrite.with;
    path = rule.conditionPrefix === "" || rest.startsWith("/") ? joinPath(replacement, rest) : replacement + rest;
  } else if (rule.prefixRewrite?.action === "crop") {
    path = rest.replace(/^\/+/, "");
  }

  if (rule.addressSuffix !== "") path = replaceSuffix(path, rule.conditionSuffix, rule.addressSuffix);
  if (rule.addressPrefix !== "") path = joinPath(rule.addressPrefix, path);
  return path;
}

/** Step 3: the condition suffix, or else the last segment's extension, becomes `suffix`. */
function replaceSuffix(path: string, conditionSuffix: string, suffix: string): string {
  if (conditionSuffix !== "" && path.endsWith(conditionSuffix)) {
    return path.slice(0, path.length - conditionSuffix.length) + suffix;
  }
  const segmentStart = path.lastIndexOf("/") + 1;
  const dot = path.lastIndexOf(".");
  return dot >= segmentStart ? path.slice(0, dot) + suffix : path + suffix;
}

/**
 * A "." or ".." segment would let a key climb out of what the rule computes: origins (and proxies
 * in front of them) resolve dot segments, percent-encoded or not (RFC 3986 treats %2E as "."), so
 * encoding is not enough. Such keys never go back to origin. Backslashes count as separators
 * because some servers treat them so.
 */
export function dotSegmentRefusal(path: string): string | null {
  const dots = path.split(/[/\\]/).some((segment) => segment === "." || segment === "..");
  return dots ? `The origin path "${path}" has a "." or ".." segment, so this key is never sent to an origin.` : null;
}

/** Percent-encodes each path segment; "/" stays a separator. */
export function encodeOriginPath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Parameters that sign our own request and must never reach an origin. */
const SIGNATURE_PARAMS = new Set(["authorization", "x-bce-security-token"]);

/** The request's raw query string (no "?") minus signature parameters, bytes otherwise untouched. */
export function forwardableQuery(rawQuery: string): string {
  return rawQuery
    .split("&")
    .filter((pair) => {
      if (pair === "") return false;
      const name = pair.split("=", 1)[0] ?? "";
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // A malformed escape is not a signature parameter: keep the pair as the client sent it.
      }
      return !SIGNATURE_PARAMS.has(decoded.toLowerCase());
    })
    .join("&");
}

function targetFor(origin: Origin, path: string, query: string): OriginTarget {
  if (origin.type === "bucket") return { kind: "bucket", bucket: origin.bucket, key: path, query };
  const search = query === "" ? "" : `?${query}`;
  return { kind: "url", url: `${origin.protocol}://${origin.host}/${encodeOriginPath(path)}${search}` };
}

/** Step 5: the address(es) for key K, given the request's raw query string. */
export function computeOriginAddress(rule: AddressRule, key: string, rawQuery = ""): OriginAddress {
  const path = computeOriginPath(rule, key);
  const query = rule.passQueryString ? forwardableQuery(rawQuery) : "";
  const backup = rule.mode === "fetch" && rule.backupOrigin ? targetFor(rule.backupOrigin, path, query) : null;
  return { primary: targetFor(rule.origin, path, query), backup, storedKey: key, path, refusal: dotSegmentRefusal(path) };
}

/** A one-line rendering of a target, for the console and for error messages. */
export function formatOriginTarget(target: OriginTarget): string {
  if (target.kind === "url") return target.url;
  const search = target.query === "" ? "" : `?${target.query}`;
  return `bos://${target.bucket}/${encodeOriginPath(target.key)}${search}`;
}
