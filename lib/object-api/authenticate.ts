/**
 * Who sent an object-API request: a verified access key (bce-auth-v1, in the Authorization
 * header or a presigned URL's `authorization` parameter), or nobody. A request that carries a
 * signature which does not verify, or which does not cover the Host header, is refused outright,
 * never treated as anonymous.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { findSigningSecret } from "@/lib/auth/access-key-service";
import { canonicalHeaders, computeSignature, parseAuthorization } from "@/lib/auth/bce-signature";
import { andThen, type MaybePromise } from "@/lib/maybe-promise";
import { BosError } from "./bos-error";

export type Identity = { kind: "access-key"; accessKeyId: string } | { kind: "anonymous" };

/** How far a signature's timestamp may run ahead of this server's clock. */
const MAX_CLOCK_SKEW_SECONDS = 15 * 60;
const MAX_EXPIRATION_SECONDS = 7 * 24 * 3600;

/** The decoded query parameters, in order; a malformed escape is refused. */
export function queryPairs(rawQuery: string): [string, string][] {
  return rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const cut = pair.indexOf("=");
      const name = cut < 0 ? pair : pair.slice(0, cut);
      const value = cut < 0 ? "" : pair.slice(cut + 1);
      try {
        return [decodeURIComponent(name), decodeURIComponent(value)] as [string, string];
      } catch {
        throw new BosError("AccessDenied", "The query string is not valid percent-encoded UTF-8.");
      }
    });
}

/** The bce-auth-v1 authorization the request carries, if any (the console never sends one). */
export function requestAuthorization(req: IncomingMessage, query: URLSearchParams): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith("bce-auth-v1/")) return header;
  const parameter = query.get("authorization");
  return parameter?.startsWith("bce-auth-v1/") ? parameter : null;
}

/** At once for an anonymous request or a cached key (lib/maybe-promise.ts); a promise when the key is looked up. */
export function authenticate(req: IncomingMessage, rawPath: string, rawQuery: string, query: URLSearchParams): MaybePromise<Identity> {
  const authorization = requestAuthorization(req, query);
  if (authorization === null) {
    if (req.headers.authorization) throw new BosError("AccessDenied", "Only bce-auth-v1 authorization is supported.");
    return { kind: "anonymous" };
  }
  const parsed = parseAuthorization(authorization);
  if (!parsed) throw new BosError("AccessDenied", "The authorization string is not a well-formed bce-auth-v1 signature.");
  if (parsed.expirationSeconds < 1 || parsed.expirationSeconds > MAX_EXPIRATION_SECONDS) {
    throw new BosError("AccessDenied", `A signature's expiration must be 1 to ${MAX_EXPIRATION_SECONDS} seconds.`);
  }
  const now = Date.now();
  const signedAt = parsed.signedAtMs;
  if (now > signedAt + parsed.expirationSeconds * 1000) {
    throw new BosError("RequestExpired", `The signature expired at ${new Date(signedAt + parsed.expirationSeconds * 1000).toISOString()}.`);
  }
  if (signedAt > now + MAX_CLOCK_SKEW_SECONDS * 1000) {
    throw new BosError("RequestExpired", "The signature's timestamp is too far in the future; check the client's clock.");
  }
  // A signature that leaves Host out is valid for any host: with OBJECT_HOST, one made for
  // a.{OBJECT_HOST} would replay against b.{OBJECT_HOST}. An empty list means BOS's default set,
  // which covers host whenever the request has one.
  if (!canonicalHeaders(req.headers, parsed.signedHeaders).names.includes("host")) {
    throw new BosError("AccessDenied", "The signature must cover the host header: list host among the signed headers.");
  }
  return andThen(findSigningSecret(parsed.accessKeyId), (key): Identity => {
    if (!key || !key.enabled) throw new BosError("InvalidAccessKeyId", `The access key ${parsed.accessKeyId} does not exist or is disabled.`);
    const request = { method: req.method ?? "GET", rawPath, query: queryPairs(rawQuery), headers: req.headers };
    const expected = Buffer.from(computeSignature(key.secretKey, parsed.prefix, request, parsed.signedHeaders).signature, "hex");
    if (!timingSafeEqual(expected, Buffer.from(parsed.signature, "hex"))) {
      throw new BosError("SignatureDoesNotMatch", "The request signature does not match. Check the secret key and the signing method.");
    }
    return { kind: "access-key", accessKeyId: parsed.accessKeyId };
  });
}
