import { describe, expect, it } from "vitest";
import { storedHeadersFromS3, userMetaFromS3, userMetaToS3 } from "./metadata";

describe("S3 metadata", () => {
  it("stores x-amz-meta-* as the x-bce-meta-* that BOS shows, and back", () => {
    const stored = userMetaFromS3({ "x-amz-meta-color": "blue", "x-amz-meta-": "nameless", "x-amz-date": "x", "x-bce-meta-other": "no" });
    expect(stored).toEqual({ "x-bce-meta-color": "blue" });
    expect(userMetaToS3(stored)).toEqual({ "x-amz-meta-color": "blue" });
  });

  it("keeps the stored HTTP headers but never aws-chunked as a content encoding", () => {
    expect(storedHeadersFromS3({ "content-type": "text/plain", "content-encoding": "aws-chunked", "x-amz-acl": "private" })).toEqual({ "content-type": "text/plain" });
    expect(storedHeadersFromS3({ "content-encoding": "aws-chunked,gzip" })).toEqual({ "content-encoding": "gzip" });
    expect(storedHeadersFromS3({ "content-encoding": "gzip, aws-chunked" })).toEqual({ "content-encoding": "gzip" });
    expect(storedHeadersFromS3({ "content-encoding": "AWS-CHUNKED" })).toEqual({});
  });
});
