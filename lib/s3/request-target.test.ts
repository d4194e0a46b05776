import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { s3Target } from "./request-target";

const request = (url: string, host = "127.0.0.1:3000") => ({ url, headers: { host } }) as unknown as IncomingMessage;

describe("s3Target", () => {
  it("reads path style: service, bucket, key (decoded once, + kept)", () => {
    expect(s3Target(request("/"), undefined)).toMatchObject({ bucket: null, key: null, resource: "/" });
    expect(s3Target(request("/b1?list-type=2"), undefined)).toMatchObject({ bucket: "b1", key: null, rawQuery: "list-type=2" });
    expect(s3Target(request("/b1/"), undefined)).toMatchObject({ bucket: "b1", key: null });
    expect(s3Target(request("/b1/dir/a%20b+c%E2%82%AC.txt"), undefined)).toMatchObject({ bucket: "b1", key: "dir/a b+c€.txt", rawPath: "/b1/dir/a%20b+c%E2%82%AC.txt" });
    expect(s3Target(request("/b1//lead"), undefined)).toMatchObject({ key: "/lead" });
  });

  it("reads virtual-host style under OBJECT_HOST only", () => {
    expect(s3Target(request("/k/e%2Fy", "photos.s3.example.com:3000"), "s3.example.com")).toMatchObject({ bucket: "photos", key: "k/e/y", resource: "/photos/k/e/y" });
    expect(s3Target(request("/", "photos.s3.example.com"), "s3.example.com")).toMatchObject({ bucket: "photos", key: null });
    expect(s3Target(request("/photos/k", "s3.example.com"), "s3.example.com")).toMatchObject({ bucket: "photos", key: "k" });
  });

  it("refuses a malformed escape", () => {
    expect(() => s3Target(request("/b1/%E2%82"), undefined)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});
