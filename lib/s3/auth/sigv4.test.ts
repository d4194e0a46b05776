import { createHash, createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, uriEncode } from "./canonical";
import { presignUrl, signRequest } from "./sign";
import { S3AuthError, awsSignatureKind, isSigV4, verifySigV4 as verifyAtOnce, type S3SignedRequest } from "./sigv4";

/** The example credentials and time of the S3 documentation's SigV4 examples. */
const DOC_KEY = "AKIAIOSFODNN7EXAMPLE";
const DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const DOC_TIME = new Date("2013-05-24T00:00:00Z");
const DOC_HOST = "examplebucket.s3.amazonaws.com";

const secrets: Record<string, string> = { [DOC_KEY]: DOC_SECRET, AKTEST: "test-secret" };
const lookup = async (accessKeyId: string) => secrets[accessKeyId] ?? null;

/**
 * verifySigV4 throws at once what it can refuse before the key's secret is looked up, and answers
 * at once when the lookup does (a cached key: the hit path). Most tests read every outcome as a
 * promise, as the S3 dispatcher's caller sees it; "at once" has its own test below.
 */
const verifySigV4 = async (...args: Parameters<typeof verifyAtOnce>) => verifyAtOnce(...args);

function docRequest(method: string, target: string, headers: IncomingHttpHeaders): S3SignedRequest {
  const mark = target.indexOf("?");
  return {
    method,
    rawPath: mark < 0 ? target : target.slice(0, mark),
    rawQuery: mark < 0 ? "" : target.slice(mark + 1),
    headers: { host: DOC_HOST, ...headers },
  };
}

const docAuthorization = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=${DOC_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;

async function refusal(promise: Promise<unknown>): Promise<S3AuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3AuthError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

/**
 * The worked examples of the S3 API reference ("Signature Calculations for the Authorization
 * Header: Transferring Payload in a Single Chunk" and "Authenticating Requests: Using Query
 * Parameters"), with the signatures AWS publishes.
 */
describe("the S3 documentation's examples", () => {
  const getObject = () =>
    docRequest("GET", "/test.txt", {
      range: "bytes=0-9",
      "x-amz-content-sha256": EMPTY_SHA256,
      "x-amz-date": "20130524T000000Z",
      authorization: docAuthorization("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
    });

  it("answers at once, with no promise, when the secret's lookup does (a cached key)", () => {
    const cachedLookup = (accessKeyId: string) => secrets[accessKeyId] ?? null;
    const identity = verifyAtOnce(getObject(), cachedLookup, { region: "us-east-1", now: DOC_TIME });
    expect(identity).not.toBeInstanceOf(Promise);
    expect(identity).toMatchObject({ accessKeyId: DOC_KEY, via: "header" });
    // A refusal after the lookup is thrown, not returned as a rejected promise.
    const wrong = (accessKeyId: string) => (accessKeyId === DOC_KEY ? "another secret" : null);
    expect(() => verifyAtOnce(getObject(), wrong, { region: "us-east-1", now: DOC_TIME })).toThrow(S3AuthError);
    // An asynchronous lookup gives a promise.
    expect(verifyAtOnce(getObject(), lookup, { region: "us-east-1", now: DOC_TIME })).toBeInstanceOf(Promise);
  });

  it("GET Object with a range", async () => {
    const identity = await verifySigV4(getObject(), lookup, { region: "us-east-1", now: DOC_TIME });
    expect(identity).toMatchObject({ accessKeyId: DOC_KEY, via: "header", payload: { kind: "signed", sha256: EMPTY_SHA256 } });
    expect(identity.signedHeaders).toEqual(["host", "range", "x-amz-content-sha256", "x-amz-date"]);
  });

  it("derives the signing key from the secret each time it is asked for: a changed secret no longer verifies", async () => {
    // The derived key is cached per secret, day and region; the cache must not outlive a secret.
    await verifySigV4(getObject(), lookup, { region: "us-east-1", now: DOC_TIME });
    const changed = async () => `${DOC_SECRET}x`;
    expect((await refusal(verifySigV4(getObject(), changed, { region: "us-east-1", now: DOC_TIME }))).code).toBe("SignatureDoesNotMatch");
    await verifySigV4(getObject(), lookup, { region: "us-east-1", now: DOC_TIME });
  });

  it("PUT Object, with a key that needs encoding and a Date header", async () => {
    for (const path of ["/test%24file.text", "/test$file.text"]) {
      const identity = await verifySigV4(
        docRequest("PUT", path, {
          date: "Fri, 24 May 2013 00:00:00 GMT",
          "x-amz-date": "20130524T000000Z",
          "x-amz-storage-class": "REDUCED_REDUNDANCY",
          "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
          authorization: docAuthorization(
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
          ),
        }),
        lookup,
        { region: "us-east-1", now: DOC_TIME },
      );
      expect(identity.payload).toEqual({ kind: "signed", sha256: createHash("sha256").update("Welcome to Amazon S3.").digest("hex") });
    }
  });

  it("GET Bucket lifecycle (a subresource without a value)", async () => {
    await verifySigV4(
      docRequest("GET", "/?lifecycle", {
        "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20130524T000000Z",
        authorization: docAuthorization("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
      }),
      lookup,
      { region: "us-east-1", now: DOC_TIME },
    );
  });

  it("GET Bucket (list objects), query sorted", async () => {
    await verifySigV4(
      docRequest("GET", "/?max-keys=2&prefix=J", {
        "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20130524T000000Z",
        authorization: docAuthorization("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
      }),
      lookup,
      { region: "us-east-1", now: DOC_TIME },
    );
  });

  const presigned = () =>
    docRequest(
      "GET",
      "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
      {},
    );

  it("a presigned URL, valid from 15 minutes before its date to its last second", async () => {
    const at = (seconds: number) => ({ region: "us-east-1", now: new Date(DOC_TIME.getTime() + seconds * 1000) });
    const identity = await verifySigV4(presigned(), lookup, at(0));
    expect(identity).toMatchObject({ via: "presigned", payload: { kind: "unsigned" }, expiresAt: new Date("2013-05-25T00:00:00Z") });
    await verifySigV4(presigned(), lookup, at(86400));
    await verifySigV4(presigned(), lookup, at(-15 * 60));
    const expired = await refusal(verifySigV4(presigned(), lookup, at(86401)));
    expect([expired.code, expired.message]).toEqual(["AccessDenied", "Request has expired"]);
    expect((await refusal(verifySigV4(presigned(), lookup, at(-15 * 60 - 1)))).code).toBe("AccessDenied");
  });

  it("a presigned URL whose query was changed, or whose host was, no longer verifies", async () => {
    const changed = presigned();
    changed.rawQuery += "&response-content-type=text%2Fhtml";
    expect((await refusal(verifySigV4(changed, lookup, { region: "us-east-1", now: DOC_TIME }))).code).toBe("SignatureDoesNotMatch");
    const moved = presigned();
    moved.headers.host = "otherbucket.s3.amazonaws.com";
    expect((await refusal(verifySigV4(moved, lookup, { region: "us-east-1", now: DOC_TIME }))).code).toBe("SignatureDoesNotMatch");
  });

  it("a signature mismatch tells the client what the server signed", async () => {
    const request = getObject();
    request.headers.range = "bytes=0-10";
    const error = await refusal(verifySigV4(request, lookup, { region: "us-east-1", now: DOC_TIME }));
    expect(error.code).toBe("SignatureDoesNotMatch");
    expect(error.details.CanonicalRequest).toContain("range:bytes=0-10\n");
    expect(error.details.StringToSign).toMatch(/^AWS4-HMAC-SHA256\n20130524T000000Z\n20130524\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/);
    expect(JSON.stringify(error.details)).not.toContain(DOC_SECRET);
  });
});

describe("what verifySigV4 refuses", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const signed = (headers: Record<string, string> = {}, options: { region?: string; at?: Date; path?: string; query?: string; secret?: string } = {}) => {
    const { headers: out } = signRequest(
      { method: "PUT", rawPath: options.path ?? "/bucket/key", rawQuery: options.query, headers: { host: "s3.test:9000", ...headers } },
      { accessKeyId: "AKTEST", secretKey: options.secret ?? "test-secret" },
      { region: options.region ?? "us-east-1", now: options.at ?? now, payloadHash: "UNSIGNED-PAYLOAD" },
    );
    const signedHeaders = out as Record<string, string> & { authorization: string };
    return { method: "PUT", rawPath: options.path ?? "/bucket/key", rawQuery: options.query ?? "", headers: signedHeaders } satisfies S3SignedRequest;
  };
  const verify = (request: S3SignedRequest, at = now) => verifySigV4(request, lookup, { region: "us-east-1", now: at });

  it("accepts what the signer made", async () => {
    const identity = await verify(signed({ "x-amz-meta-colour": "blue" }));
    expect(identity).toMatchObject({ accessKeyId: "AKTEST", via: "header", payload: { kind: "unsigned" } });
    expect(identity.signedAt).toEqual(now);
  });

  it("keeps the signing key out of sight", async () => {
    const identity = await verify(signed());
    expect(Object.keys(identity)).not.toContain("chunkSigning");
    expect(JSON.stringify(identity)).not.toContain("signingKey");
    expect(identity.chunkSigning.scope).toBe("20260301/us-east-1/s3/aws4_request");
  });

  it("an unknown key, a wrong secret", async () => {
    const unknown = signed();
    unknown.headers.authorization = unknown.headers.authorization.replace("AKTEST", "AKNOBODY");
    expect((await refusal(verify(unknown))).code).toBe("InvalidAccessKeyId");
    expect((await refusal(verify(signed({}, { secret: "wrong" })))).code).toBe("SignatureDoesNotMatch");
  });

  it("anything signed that changed: method, path, query, a header", async () => {
    const cases: ((r: S3SignedRequest) => void)[] = [
      (r) => (r.method = "DELETE"),
      (r) => (r.rawPath = "/bucket/other"),
      (r) => (r.rawPath = "/bucket/key/"),
      (r) => (r.rawQuery = "acl"),
      (r) => (r.headers["x-amz-meta-colour"] = "red"),
      (r) => (r.headers.host = "other.s3.test:9000"),
    ];
    for (const change of cases) {
      const request = signed({ "x-amz-meta-colour": "blue" });
      change(request);
      expect((await refusal(verify(request))).code).toBe("SignatureDoesNotMatch");
    }
  });

  it("a path encoded differently is another key", async () => {
    const request = signed({}, { path: "/bucket/a%2Fb" });
    request.rawPath = "/bucket/a/b";
    expect((await refusal(verify(request))).code).toBe("SignatureDoesNotMatch");
    const same = signed({}, { path: "/bucket/a%2Fb" });
    same.rawPath = "/bucket/a%2fb";
    await verify(same);
  });

  it("an x-amz-* header that is not signed, and a signature without host", async () => {
    const added = signed();
    added.headers["x-amz-acl"] = "public-read";
    const error = await refusal(verify(added));
    expect([error.code, error.message]).toEqual(["AccessDenied", "There were headers present in the request which were not signed: x-amz-acl"]);

    const request = signed();
    request.headers.authorization = request.headers.authorization.replace("SignedHeaders=host;", "SignedHeaders=");
    expect((await refusal(verify(request))).code).toBe("AccessDenied");
  });

  it("a clock more than 15 minutes off", async () => {
    await verify(signed({}, { at: new Date(now.getTime() - 15 * 60 * 1000) }));
    await verify(signed({}, { at: new Date(now.getTime() + 15 * 60 * 1000) }));
    const early = await refusal(verify(signed({}, { at: new Date(now.getTime() - 15 * 60 * 1000 - 1000) })));
    expect(early.code).toBe("RequestTimeTooSkewed");
    expect(early.details.MaxAllowedSkewMilliseconds).toBe("900000");
    expect((await refusal(verify(signed({}, { at: new Date(now.getTime() + 16 * 60 * 1000) })))).code).toBe("RequestTimeTooSkewed");
  });

  it("another region, with the expected one in the error", async () => {
    const error = await refusal(verify(signed({}, { region: "eu-west-1" })));
    expect(error.code).toBe("AuthorizationHeaderMalformed");
    expect(error.message).toContain("the region 'eu-west-1' is wrong; expecting 'us-east-1'");
    expect(error.details.Region).toBe("us-east-1");
  });

  it("malformed authorization headers", async () => {
    const base = signed();
    const variants = [
      base.headers.authorization.replace("Credential=", "Credentials="),
      base.headers.authorization.replace(/, Signature=[0-9a-f]+/, ""),
      base.headers.authorization.replace(/Signature=[0-9a-f]+/, "Signature=xyz"),
      base.headers.authorization.replace("/s3/", "/ec2/"),
      base.headers.authorization.replace("aws4_request", "aws5_request"),
      base.headers.authorization.replace("20260301/", "20260302/"),
      base.headers.authorization.replace("Credential=AKTEST/", "Credential="),
      base.headers.authorization.replace("SignedHeaders=host", "SignedHeaders=Host"),
    ];
    for (const authorization of variants) {
      expect((await refusal(verify({ ...base, headers: { ...base.headers, authorization } }))).code).toBe("AuthorizationHeaderMalformed");
    }
    const other = await refusal(verify({ ...base, headers: { ...base.headers, authorization: "AWS AKTEST:c2lnbmF0dXJl" } }));
    expect([other.code, other.message]).toEqual(["InvalidArgument", "Unsupported Authorization Type"]);
  });

  it("a missing or invalid x-amz-content-sha256", async () => {
    const missing = signed();
    delete missing.headers["x-amz-content-sha256"];
    expect((await refusal(verify(missing))).code).toBe("MissingSecurityHeader");
    const { headers } = signRequest(
      { method: "PUT", rawPath: "/bucket/key", headers: { host: "s3.test:9000" } },
      { accessKeyId: "AKTEST", secretKey: "test-secret" },
      { region: "us-east-1", now, payloadHash: "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD" },
    );
    expect((await refusal(verify({ method: "PUT", rawPath: "/bucket/key", rawQuery: "", headers }))).code).toBe("InvalidArgument");
  });

  it("names each payload mode", async () => {
    const modes = {
      "UNSIGNED-PAYLOAD": { kind: "unsigned" },
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": { kind: "streaming-signed", trailer: false },
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": { kind: "streaming-signed", trailer: true },
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER": { kind: "streaming-unsigned-trailer" },
      [EMPTY_SHA256]: { kind: "signed", sha256: EMPTY_SHA256 },
    };
    for (const [payloadHash, mode] of Object.entries(modes)) {
      const { headers } = signRequest(
        { method: "PUT", rawPath: "/bucket/key", headers: { host: "s3.test:9000" } },
        { accessKeyId: "AKTEST", secretKey: "test-secret" },
        { region: "us-east-1", now, payloadHash },
      );
      expect((await verify({ method: "PUT", rawPath: "/bucket/key", rawQuery: "", headers })).payload).toEqual(mode);
    }
  });

  it("session tokens, and both auth mechanisms at once", async () => {
    expect((await refusal(verify(signed({ "x-amz-security-token": "token" })))).code).toBe("InvalidArgument");
    const both = signed({}, { query: "X-Amz-Algorithm=AWS4-HMAC-SHA256" });
    expect((await refusal(verify(both))).code).toBe("InvalidArgument");
  });

  it("repeated headers: signed as sent when rawHeaders is given", async () => {
    const request = signed({ "x-amz-meta-list": "a,b" });
    const rawHeaders = Object.entries(request.headers).flatMap(([name, value]) =>
      name === "x-amz-meta-list" ? [name, "a", name, "b"] : [name, String(value)],
    );
    await verify({ ...request, rawHeaders });
    // Node's parsed headers would say "a, b"; the client signed "a,b".
    await expect(verify({ ...request, headers: { ...request.headers, "x-amz-meta-list": "a, b" } })).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
  });
});

describe("presigned URLs", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const url = (expiresSeconds: number, path = "/bucket/some%20key", headers: Record<string, string> = {}) =>
    presignUrl(
      { method: "GET", rawPath: path, rawQuery: "response-content-type=text%2Fplain", headers: { host: "s3.test", ...headers } },
      { accessKeyId: "AKTEST", secretKey: "test-secret" },
      { region: "us-east-1", now, expiresSeconds },
    );
  const request = (target: string, headers: IncomingHttpHeaders = {}): S3SignedRequest => ({
    method: "GET",
    rawPath: target.slice(0, target.indexOf("?")),
    rawQuery: target.slice(target.indexOf("?") + 1),
    headers: { host: "s3.test", ...headers },
  });
  const verify = (r: S3SignedRequest, at = now) => verifySigV4(r, lookup, { region: "us-east-1", now: at });

  it("verify, with their own query parameters signed", async () => {
    expect(await verify(request(url(3600)))).toMatchObject({ via: "presigned", payload: { kind: "unsigned" } });
  });

  it("live at most seven days", async () => {
    await verify(request(url(604800)), new Date(now.getTime() + 604800 * 1000));
    expect((await refusal(verify(request(url(604801))))).code).toBe("AuthorizationQueryParametersError");
    expect((await refusal(verify(request(url(0))))).code).toBe("AuthorizationQueryParametersError");
  });

  it("refuse missing or repeated parameters, and extra x-amz-* headers", async () => {
    const target = url(3600);
    expect((await refusal(verify(request(target.replace(/&X-Amz-Expires=\d+/, ""))))).code).toBe("AuthorizationQueryParametersError");
    expect((await refusal(verify(request(`${target}&X-Amz-Date=20260301T120000Z`)))).code).toBe("AuthorizationQueryParametersError");
    expect((await refusal(verify(request(target.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"))))).code).toBe("AuthorizationQueryParametersError");
    expect((await refusal(verify(request(target, { "x-amz-meta-owner": "mallory" })))).code).toBe("AccessDenied");
    expect((await refusal(verify(request(target, { "x-amz-content-sha256": EMPTY_SHA256 })))).code).toBe("AccessDenied");
  });

  it("that sign a header need it", async () => {
    const target = url(3600, "/bucket/key", { "content-type": "image/png" });
    await verify(request(target, { "content-type": "image/png" }));
    expect((await refusal(verify(request(target, { "content-type": "text/html" })))).code).toBe("SignatureDoesNotMatch");
  });
});

describe("isSigV4 and awsSignatureKind", () => {
  it("see SigV4 in the header or the query, and tell other AWS schemes apart", () => {
    expect(isSigV4({ headers: { authorization: "AWS4-HMAC-SHA256 Credential=x" } })).toBe(true);
    expect(isSigV4({ headers: {}, url: "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x" })).toBe(true);
    expect(isSigV4({ headers: {}, url: "/b/k?x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256" })).toBe(true);
    expect(isSigV4({ headers: { authorization: "bce-auth-v1/ak/2026-03-01T12:00:00Z/1800/host/abc" } })).toBe(false);
    expect(isSigV4({ headers: {}, url: "/b/k?authorization=bce-auth-v1%2F" })).toBe(false);
    expect(isSigV4({ headers: {}, url: "/b/k" })).toBe(false);
    expect(awsSignatureKind({ headers: { authorization: "AWS AKID:c2ln" } })).toBe("unsupported");
    expect(awsSignatureKind({ headers: { authorization: "AWS4-ECDSA-P256-SHA256 Credential=x" } })).toBe("unsupported");
    expect(awsSignatureKind({ headers: {}, url: "/b/k?AWSAccessKeyId=AK&Expires=1&Signature=x" })).toBe("unsupported");
    expect(awsSignatureKind({ headers: {}, url: "/b/k?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256" })).toBe("unsupported");
    expect(awsSignatureKind({ headers: {}, url: "/b/k?prefix=X-Amz-" })).toBeNull();
  });
});

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData) =>
  typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** A SHA-256 (or HMAC-SHA-256) for the AWS SDK's signer, from node:crypto. */
class NodeSha256 {
  private hash;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(this.secret));
  }
  update(data: SourceData) {
    this.hash.update(bytesOf(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {
    this.hash = this.fresh();
  }
}

/** Requests signed by the AWS SDK's own SigV4 signer (@smithy/signature-v4, as the S3 client uses it). */
describe("the AWS SDK's signer", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const signer = new SignatureV4({
    service: "s3",
    region: "us-east-1",
    credentials: { accessKeyId: "AKTEST", secretAccessKey: "test-secret" },
    sha256: NodeSha256,
    uriEscapePath: false,
  });
  const wireQuery = (query: Record<string, string | string[] | null>) =>
    Object.entries(query)
      .flatMap(([name, value]) =>
        value === null ? [uriEncode(name)] : (Array.isArray(value) ? value : [value]).map((v) => `${uriEncode(name)}=${uriEncode(v)}`),
      )
      .join("&");
  const toRequest = (method: string, path: string, query: Record<string, string | string[] | null>, headers: Record<string, string>): S3SignedRequest => ({
    method,
    rawPath: path,
    rawQuery: wireQuery(query),
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  });
  const keyPath = (key: string) => `/bucket/${key.split("/").map(uriEncode).join("/")}`;

  const cases: { name: string; method: string; key: string; query: Record<string, string | string[] | null>; headers: Record<string, string>; body?: string }[] = [
    { name: "GET with a range", method: "GET", key: "photos/2026/a.jpg", query: {}, headers: { Range: "bytes=0-99" } },
    { name: "a key with spaces, Unicode and reserved characters", method: "GET", key: "dir with space/ünïcødé ☃/a+b=c&d;e,f:g@h$i!j'k(l)m*n~o", query: {}, headers: {} },
    { name: "a key with . and .. segments and doubled slashes", method: "HEAD", key: "a/./b/../c//d", query: {}, headers: {} },
    {
      name: "ListObjectsV2 with prefix, delimiter and a token",
      method: "GET",
      key: "",
      query: { "list-type": "2", prefix: "dir with space/ü", delimiter: "/", "continuation-token": "a+b/c==", "encoding-type": "url" },
      headers: {},
    },
    { name: "a subresource without a value", method: "GET", key: "", query: { acl: "", "x-id": "GetBucketAcl" }, headers: {} },
    { name: "DeleteObjects (POST ?delete)", method: "POST", key: "", query: { delete: "" }, headers: { "Content-Type": "application/xml", "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==" }, body: "<Delete/>" },
    {
      name: "PUT with metadata, a signed payload and a checksum header",
      method: "PUT",
      key: "docs/report.pdf",
      query: { "x-id": "PutObject" },
      headers: { "Content-Type": "application/pdf", "x-amz-meta-Author": "  Ada   Lovelace ", "x-amz-checksum-crc32": "NSRBwg==", "x-amz-storage-class": "STANDARD" },
      body: "abc",
    },
    { name: "UploadPart", method: "PUT", key: "big.bin", query: { partNumber: "3", uploadId: "VXBsb2FkIElE+/=" }, headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
  ];

  it.each(cases)("header signature: $name", async (c) => {
    const path = keyPath(c.key);
    const signed = await signer.sign(
      { method: c.method, protocol: "http:", hostname: "127.0.0.1", port: 9000, path, query: c.query, headers: { host: "127.0.0.1:9000", ...c.headers }, body: c.body },
      { signingDate: now },
    );
    const identity = await verifySigV4(toRequest(c.method, path, c.query, signed.headers as Record<string, string>), lookup, { region: "us-east-1", now });
    expect(identity.accessKeyId).toBe("AKTEST");
    if (c.body !== undefined) expect(identity.payload).toEqual({ kind: "signed", sha256: createHash("sha256").update(c.body).digest("hex") });
  });

  // As @aws-sdk/s3-request-presigner does it: UNSIGNED-PAYLOAD (which ends up in the query as
  // x-amz-content-sha256), content-type left unsigned, x-amz-* headers hoisted into the query.
  it.each(cases)("presigned URL: $name", async (c) => {
    const path = keyPath(c.key);
    const presigned = await signer.presign(
      {
        method: c.method,
        protocol: "http:",
        hostname: "127.0.0.1",
        port: 9000,
        path,
        query: c.query,
        headers: { host: "127.0.0.1:9000", ...c.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      { signingDate: now, expiresIn: 3600, unsignableHeaders: new Set(["content-type"]) },
    );
    expect(presigned.query?.["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD");
    const request = toRequest(c.method, path, presigned.query as Record<string, string>, presigned.headers as Record<string, string>);
    const identity = await verifySigV4(request, lookup, { region: "us-east-1", now: new Date(now.getTime() + 3599 * 1000) });
    expect(identity.via).toBe("presigned");
    await expect(verifySigV4(request, lookup, { region: "us-east-1", now: new Date(now.getTime() + 3601 * 1000) })).rejects.toMatchObject({
      code: "AccessDenied",
    });
  });

  it("a request the SDK signed for another region is refused with the region to use", async () => {
    const other = new SignatureV4({ service: "s3", region: "eu-central-1", credentials: { accessKeyId: "AKTEST", secretAccessKey: "test-secret" }, sha256: NodeSha256, uriEscapePath: false });
    const signed = await other.sign({ method: "GET", protocol: "http:", hostname: "h", path: "/b/k", query: {}, headers: { host: "h" } }, { signingDate: now });
    const error = await refusal(verifySigV4(toRequest("GET", "/b/k", {}, signed.headers as Record<string, string>), lookup, { region: "us-east-1", now }));
    expect([error.code, error.details.Region]).toEqual(["AuthorizationHeaderMalformed", "us-east-1"]);
  });
});
