import { describe, expect, it } from "vitest";
import { evaluatePreconditions } from "./serve-object";

const object = { etag: "0123456789abcdef0123456789abcdef", lastModified: new Date("2026-01-02T03:04:05.678Z") };
const at = (iso: string) => new Date(iso).toUTCString();

describe("evaluatePreconditions", () => {
  it("is ok without conditions", () => {
    expect(evaluatePreconditions({}, object)).toBe("ok");
  });

  it("fails If-Match on another ETag, passes on its own (quoted, unquoted, *)", () => {
    expect(evaluatePreconditions({ "if-match": '"ffff"' }, object)).toBe("failed");
    expect(evaluatePreconditions({ "if-match": `"${object.etag}"` }, object)).toBe("ok");
    expect(evaluatePreconditions({ "if-match": object.etag }, object)).toBe("ok");
    expect(evaluatePreconditions({ "if-match": "*" }, object)).toBe("ok");
  });

  it("fails If-Unmodified-Since before the change, unless If-Match holds", () => {
    expect(evaluatePreconditions({ "if-unmodified-since": at("2026-01-01T00:00:00Z") }, object)).toBe("failed");
    expect(evaluatePreconditions({ "if-unmodified-since": at("2026-01-02T03:04:05Z") }, object)).toBe("ok");
    expect(evaluatePreconditions({ "if-match": object.etag, "if-unmodified-since": at("2026-01-01T00:00:00Z") }, object)).toBe("ok");
  });

  it("answers 304 for a matching If-None-Match, or an If-Modified-Since at or after the change", () => {
    expect(evaluatePreconditions({ "if-none-match": `W/"${object.etag}"` }, object)).toBe("not-modified");
    expect(evaluatePreconditions({ "if-none-match": '"ffff"' }, object)).toBe("ok");
    expect(evaluatePreconditions({ "if-modified-since": at("2026-01-02T03:04:05Z") }, object)).toBe("not-modified");
    expect(evaluatePreconditions({ "if-modified-since": at("2026-01-02T03:04:04Z") }, object)).toBe("ok");
    // If-None-Match decides alone when present.
    expect(evaluatePreconditions({ "if-none-match": '"ffff"', "if-modified-since": at("2027-01-01T00:00:00Z") }, object)).toBe("ok");
  });

  it("checks CopyObject's x-amz-copy-source-if-* names the same way", () => {
    const names = { ifMatch: "x-amz-copy-source-if-match", ifUnmodifiedSince: "x", ifNoneMatch: "x-amz-copy-source-if-none-match", ifModifiedSince: "y" };
    expect(evaluatePreconditions({ "x-amz-copy-source-if-match": '"ffff"' }, object, names)).toBe("failed");
    expect(evaluatePreconditions({ "x-amz-copy-source-if-none-match": object.etag }, object, names)).toBe("not-modified");
  });
});
