import { describe, expect, it } from "vitest";
import { resolveS3Operation } from "./operations";

const resolve = (method: string, path: string, headers: Record<string, string> = {}) => {
  const [pathname = "/", query = ""] = path.split("?");
  const [bucket = "", ...key] = pathname.slice(1).split("/");
  const target = { bucket: bucket === "" ? null : bucket, key: key.length === 0 || key.join("/") === "" ? null : key.join("/"), query: new URLSearchParams(query) };
  return resolveS3Operation(method, target, headers).name;
};

describe("resolveS3Operation", () => {
  it.each([
    ["GET", "/", "ListBuckets"],
    ["PUT", "/b", "CreateBucket"],
    ["HEAD", "/b", "HeadBucket"],
    ["DELETE", "/b", "DeleteBucket"],
    ["GET", "/b?location", "GetBucketLocation"],
    ["GET", "/b?acl", "GetBucketAcl"],
    ["PUT", "/b?acl", "PutBucketAcl"],
    ["GET", "/b?prefix=a&max-keys=2", "ListObjects"],
    ["GET", "/b?list-type=2&continuation-token=x", "ListObjectsV2"],
    ["POST", "/b?delete", "DeleteObjects"],
    ["GET", "/b/k?x-id=GetObject", "GetObject"],
    ["GET", "/b/k?versionId=null", "GetObject"],
    ["HEAD", "/b/k", "HeadObject"],
    ["GET", "/b?uploads", "ListMultipartUploads"],
    ["POST", "/b/k?uploads", "CreateMultipartUpload"],
    ["PUT", "/b/k?partNumber=2&uploadId=u", "UploadPart"],
    ["POST", "/b/k?uploadId=u", "CompleteMultipartUpload"],
    ["DELETE", "/b/k?uploadId=u", "AbortMultipartUpload"],
    ["GET", "/b/k?uploadId=u&max-parts=2", "ListParts"],
    ["PUT", "/b/k", "PutObject"],
    ["DELETE", "/b/k", "DeleteObject"],
  ])("%s %s is %s", (method, path, name) => {
    expect(resolve(method, path)).toBe(name);
  });

  it("tells CopyObject by its header", () => {
    expect(resolve("PUT", "/b/k", { "x-amz-copy-source": "/a/b" })).toBe("CopyObject");
    expect(resolve("PUT", "/b/k?partNumber=1&uploadId=u", { "x-amz-copy-source": "/a/b" })).toBe("UploadPartCopy");
  });

  it.each([
    ["GET", "/b?versioning"],
    ["PUT", "/b?policy"],
    ["GET", "/b/k?partNumber=1"],
    ["GET", "/b/k?tagging"],
    ["GET", "/b/k?versionId=3"],
    ["POST", "/b/k"],
    ["OPTIONS", "/b/k"],
    ["PUT", "/"],
  ])("%s %s is NotImplemented (501)", (method, path) => {
    expect(() => resolve(method, path)).toThrow(expect.objectContaining({ code: "NotImplemented", status: 501 }));
  });
});
