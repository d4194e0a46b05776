/**
 * CPU cost per request of verifying a presigned GET's signature, without HTTP: SigV4 (S3) against
 * bce-auth-v1 (BOS), with the secret lookup answered from memory (as the signing-secret cache
 * does), plus the S3 dispatcher's own check of whether a request is S3 at all. Prints µs per request.
 *   npx tsx bench/micro/request-auth.ts
 */
import type { IncomingMessage } from "node:http";
import { signRequest as bceSign } from "@/lib/auth/bce-signature";
import { computeSignature, parseAuthorization } from "@/lib/auth/bce-signature";
import { isSigV4, verifySigV4 } from "@/lib/s3/auth/sigv4";
import { presignUrl } from "@/lib/s3/auth/sign";

const N = 100_000;
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const host = "127.0.0.1:3390";
const userAgent = "wrk";

const s3Url = presignUrl({ method: "GET", rawPath: "/bench/small.bin", headers: { host } }, credentials, { region: "us-east-1", expiresSeconds: 3600 });
const s3Query = s3Url.slice(s3Url.indexOf("?") + 1);
const bosPath = "/v1/bench/small.bin";
const bosAuthorization = bceSign(credentials, { method: "GET", rawPath: bosPath, query: [], headers: { host } }, { expirationSeconds: 3600, signedHeaders: ["host"] });

async function time(label: string, once: () => unknown): Promise<void> {
  for (let i = 0; i < 2000; i++) await once();
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await once();
  const used = process.cpuUsage(start);
  console.log(`${label.padEnd(40)} ${((used.user + used.system) / N).toFixed(2)} µs per request`);
}

const headers = { host, "user-agent": userAgent };
const rawHeaders = ["Host", host, "User-Agent", userAgent];
const secret = async () => credentials.secretKey;

await time("S3: isSigV4 (dispatch)", () => isSigV4({ headers, url: s3Url } as IncomingMessage));
await time("S3: verifySigV4 (presigned)", () => verifySigV4({ method: "GET", rawPath: "/bench/small.bin", rawQuery: s3Query, headers, rawHeaders }, secret, { region: "us-east-1" }));
await time("BOS: parse + computeSignature", () => {
  const parsed = parseAuthorization(bosAuthorization)!;
  return computeSignature(credentials.secretKey, parsed.prefix, { method: "GET", rawPath: bosPath, query: [], headers }, parsed.signedHeaders);
});
