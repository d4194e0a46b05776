import { describe, expect, it, vi } from "vitest";
import { BucketAlreadyExists, BucketNotEmpty, InvalidRange, NoSuchKey, OriginFailure, OriginNotFound } from "@/lib/domain/errors";
import { S3Error, toS3Error } from "./s3-error";

describe("toS3Error", () => {
  it("maps domain errors with S3 codes and statuses", () => {
    expect(toS3Error(new NoSuchKey("b", "k"), "r")).toMatchObject({ code: "NoSuchKey", status: 404, fields: { BucketName: "b", Key: "k" } });
    expect(toS3Error(new BucketAlreadyExists("b"), "r")).toMatchObject({ code: "BucketAlreadyOwnedByYou", status: 409 });
    expect(toS3Error(new BucketNotEmpty("b", 2), "r")).toMatchObject({ code: "BucketNotEmpty", status: 409 });
    expect(toS3Error(new InvalidRange("bytes=9-", 3), "r")).toMatchObject({ code: "InvalidRange", status: 416, headers: { "content-range": "bytes */3" } });
    expect(toS3Error(new OriginNotFound(["http://o/k"]), "r")).toMatchObject({ code: "NoSuchKey", status: 404 });
    const failure = toS3Error(new OriginFailure("refused", "the origin could not be reached", "10.0.0.1 refused"), "r");
    expect(failure).toMatchObject({ code: "MirrorFailed", status: 424, logDetail: "10.0.0.1 refused" });
    expect(failure.message).not.toContain("10.0.0.1");
  });

  it("keeps the code, status and details of the SigV4 layer's errors", () => {
    class S3AuthError extends Error {
      constructor(
        readonly code: string,
        message: string,
        readonly details: Record<string, string> = {},
      ) {
        super(message);
        this.name = "S3AuthError";
      }
    }
    expect(toS3Error(new S3AuthError("SignatureDoesNotMatch", "no", { StringToSign: "s" }), "r")).toMatchObject({ code: "SignatureDoesNotMatch", status: 403, fields: { StringToSign: "s" } });
    expect(toS3Error(new S3AuthError("SomethingNew", "no"), "r")).toMatchObject({ code: "SomethingNew", status: 403 });
    expect(toS3Error(Object.assign(new Error("bad"), { name: "S3PayloadError", code: "XAmzContentSHA256Mismatch" }), "r")).toMatchObject({ status: 400 });
  });

  it("never answers with an empty message, and hides unexpected errors", () => {
    expect(new S3Error("NotImplemented", "x").status).toBe(501);
    const log = vi.fn();
    const internal = toS3Error(new TypeError("secret detail"), "r", log);
    expect(internal).toMatchObject({ code: "InternalError", status: 500 });
    expect(internal.message).not.toContain("secret");
    expect(log).toHaveBeenCalledExactlyOnceWith({ requestId: "r", err: expect.objectContaining({ message: "secret detail" }) }, "S3 API error");
  });
});
