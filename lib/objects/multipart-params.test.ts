import { describe, expect, it } from "vitest";
import { parseListCount, parsePartNumber, rollUpUploads } from "./multipart-params";
import type { MultipartUploadRecord } from "./multipart-service";

describe("multipart request values", () => {
  it("reads part numbers from 1 to 10,000, as text or a JSON number", () => {
    expect(parsePartNumber("1")).toBe(1);
    expect(parsePartNumber(10_000)).toBe(10_000);
    for (const refused of ["0", "10001", "1.5", "-1", " 2", "", null, {}]) expect(parsePartNumber(refused)).toBeNull();
  });

  it("reads page sizes from a minimum, capped at 1,000, with a fallback when absent", () => {
    expect(parseListCount(null, 1, 1000)).toBe(1000);
    expect(parseListCount("", 0, 7)).toBe(7);
    expect(parseListCount("0", 0, 1000)).toBe(0);
    expect(parseListCount("5000", 1, 1000)).toBe(1000);
    expect(parseListCount("0", 1, 1000)).toBeNull();
    expect(parseListCount("x", 0, 1000)).toBeNull();
  });

  it("rolls uploads up into sorted common prefixes past the prefix", () => {
    const upload = (key: string) => ({ key }) as MultipartUploadRecord;
    const { uploads, commonPrefixes } = rollUpUploads([upload("a/z/1"), upload("a/b/2"), upload("a/c"), upload("a/b/3")], "a/", "/");
    expect(uploads.map((found) => found.key)).toEqual(["a/c"]);
    expect(commonPrefixes).toEqual(["a/b/", "a/z/"]);
    expect(rollUpUploads([upload("a/b")], "", "").uploads).toHaveLength(1);
  });
});
