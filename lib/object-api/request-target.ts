/**
 * Which bucket and key a request addresses: path style `/v1/{bucket}/{key}`, or virtual-host
 * style `{bucket}.{OBJECT_HOST}/{key}` when OBJECT_HOST is set. A request signed with bce-auth-v1
 * is an object-API request whatever its path: BOS's SDK sends `/{bucket}/{key}` without `/v1` to
 * IP endpoints. Keys are percent-decoded once and otherwise kept exactly as sent.
 */
import type { IncomingMessage } from "node:http";
import { requestAuthorization } from "./authenticate";
import { BosError } from "./bos-error";

export interface RequestTarget {
  bucket: string | null;
  key: string | null;
  /** The path exactly as sent (the signature covers it). */
  rawPath: string;
  /** The query string as sent, without "?". */
  rawQuery: string;
  query: URLSearchParams;
}

function decode(part: string, what: "bucket" | "key"): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new BosError(what === "key" ? "InvalidObjectName" : "InvalidBucketName", `The ${what} in the path is not valid percent-encoded UTF-8.`);
  }
}

/** The object-API target of a request, or null when the request is for the console. */
export function requestTarget(req: IncomingMessage, objectHost: string | undefined): RequestTarget | null {
  const url = req.url ?? "/";
  const mark = url.indexOf("?");
  const path = mark < 0 ? url : url.slice(0, mark);
  const rawQuery = mark < 0 ? "" : url.slice(mark + 1);

  const query = new URLSearchParams(rawQuery);
  let bucketPart: string | null;
  let keyPart: string | null;
  const host = objectHost ? (req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "") : "";
  if (objectHost && host.endsWith(`.${objectHost}`)) {
    bucketPart = host.slice(0, -(objectHost.length + 1));
    keyPart = path.length > 1 ? path.slice(1) : null;
  } else if (path === "/v1" || path.startsWith("/v1/") || requestAuthorization(req, query) !== null) {
    const rest = path === "/v1" || path.startsWith("/v1/") ? path.slice(4) : path.slice(1);
    const slash = rest.indexOf("/");
    bucketPart = rest === "" ? null : slash < 0 ? rest : rest.slice(0, slash);
    keyPart = slash < 0 || slash === rest.length - 1 ? null : rest.slice(slash + 1);
  } else {
    return null;
  }
  return {
    rawPath: path,
    bucket: bucketPart === null ? null : decode(bucketPart, "bucket"),
    key: keyPart === null ? null : decode(keyPart, "key"),
    rawQuery,
    query,
  };
}

