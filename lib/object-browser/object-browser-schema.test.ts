import { describe, expect, it } from "vitest";
import { deleteObjectsSchema, folderTrail, listObjectsQuerySchema, presignSchema } from "./object-browser-schema";

describe("object browser schemas", () => {
  it("splits a prefix into breadcrumbs", () => {
    expect(folderTrail("")).toEqual([]);
    expect(folderTrail("a/b c/")).toEqual([
      { name: "a", prefix: "a/" },
      { name: "b c", prefix: "a/b c/" },
    ]);
    // A search term after the last slash is not a folder.
    expect(folderTrail("a/rep")).toEqual([{ name: "a", prefix: "a/" }]);
    expect(folderTrail("//")).toEqual([
      { name: "", prefix: "/" },
      { name: "", prefix: "//" },
    ]);
  });

  it("defaults a listing to one folder level, 100 entries", () => {
    expect(listObjectsQuerySchema.parse({})).toEqual({ prefix: "", delimiter: "/", marker: "", maxKeys: 100 });
    expect(listObjectsQuerySchema.safeParse({ maxKeys: "0" }).success).toBe(false);
    expect(listObjectsQuerySchema.safeParse({ prefix: "é".repeat(513) }).success).toBe(false);
  });

  it("checks keys to delete and link expiries", () => {
    expect(deleteObjectsSchema.safeParse({ keys: ["a", "b"] }).success).toBe(true);
    expect(deleteObjectsSchema.safeParse({ keys: ["a\0"] }).success).toBe(false);
    expect(presignSchema.parse({ key: "k", accessKeyId: "ak", expiresInSeconds: 3600 }).signature).toBe("bos");
    expect(presignSchema.safeParse({ key: "k", accessKeyId: "ak", expiresInSeconds: 59 }).success).toBe(false);
  });
});
