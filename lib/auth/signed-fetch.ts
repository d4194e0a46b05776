/**
 * `fetch` with a bce-auth-v1 signature over host and x-bce-date: the client our tests and
 * benchmarks use, and a short example of signing a request for this server.
 */
import { bceTimestamp, signRequest } from "./bce-signature";

export interface Credentials {
  accessKeyId: string;
  secretKey: string;
}

export function signedFetch(credentials: Credentials, url: string, init: RequestInit = {}): Promise<Response> {
  const target = new URL(url);
  const headers = new Headers(init.headers);
  headers.set("x-bce-date", bceTimestamp(new Date()));
  const authorization = signRequest(
    credentials,
    {
      method: init.method ?? "GET",
      rawPath: target.pathname,
      query: [...target.searchParams],
      headers: { host: target.host, "x-bce-date": headers.get("x-bce-date")! },
    },
    { signedHeaders: ["host", "x-bce-date"] },
  );
  headers.set("authorization", authorization);
  return fetch(url, { ...init, headers });
}
