/** Listing through the BOS API against SQLite: byte order, seeking past folders, paging to the end. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;
let bucketId = 0;

interface Page {
  contents: { key: string }[];
  commonPrefixes: { prefix: string }[];
  isTruncated: boolean;
  nextMarker?: string;
}

const list = async (query: Record<string, string>): Promise<Page> => {
  const response = await signedFetch(`${server.url}/v1/listing?${new URLSearchParams(query)}`);
  expect(response.status).toBe(200);
  return response.json();
};

/** Every key and common prefix, page by page. */
async function listAll(query: Record<string, string>): Promise<string[]> {
  const seen: string[] = [];
  let marker = "";
  for (let pages = 0; pages < 100; pages++) {
    const page = await list({ ...query, marker });
    seen.push(...page.contents.map((c) => c.key), ...page.commonPrefixes.map((p) => p.prefix));
    if (!page.isTruncated) return seen;
    marker = page.nextMarker!;
  }
  throw new Error("the listing never ended");
}

/** Rows only: listing reads metadata, never blobs. */
const addKeys = (keys: string[]) =>
  db().storedObject.createMany({ data: keys.map((key) => ({ bucketId, key, size: 0n, etag: "d41d8cd98f00b204e9800998ecf8427e", storageClass: "STANDARD", blobName: "unused" })) });

beforeAll(async () => {
  server = await startObjectServer();
  expect((await signedFetch(`${server.url}/v1/listing`, { method: "PUT" })).status).toBe(200);
  bucketId = (await db().bucket.findUniqueOrThrow({ where: { name: "listing" } })).id;
});
afterAll(() => server.stop());

it("lists in UTF-8 byte order, where astral characters sort after U+FFxx", async () => {
  await addKeys(["u/\u{1F600}", "u/\uFF01", "u/a", "u/\u{1F600}/x", "u/\uFF01/y"]);
  expect(await listAll({ prefix: "u/", maxKeys: "1" })).toEqual(["u/a", "u/\uFF01", "u/\uFF01/y", "u/\u{1F600}", "u/\u{1F600}/x"]);
  expect(await listAll({ prefix: "u/", delimiter: "/", maxKeys: "1" })).toEqual(["u/a", "u/\uFF01", "u/\uFF01/", "u/\u{1F600}", "u/\u{1F600}/"]);
  // A marker compared with the prefix in JavaScript's UTF-16 order would list all of u/\uFF01 here.
  expect((await list({ prefix: "u/\uFF01", marker: "u/\u{1F600}" })).contents).toEqual([]);
});

it("seeks past a large folder and pages through it", async () => {
  await addKeys([...Array.from({ length: 700 }, (_, i) => `big/${String(i).padStart(4, "0")}`), "big.txt", "big0", "top.txt"]);
  const root = await list({ prefix: "b", delimiter: "/" });
  expect(root.contents.map((c) => c.key)).toEqual(["big.txt", "big0"]);
  expect(root.commonPrefixes).toEqual([{ prefix: "big/" }]);
  const inside = await listAll({ prefix: "big/", delimiter: "/", maxKeys: "300" });
  expect(inside).toHaveLength(700);
  expect(inside[699]).toBe("big/0699");
  const page = await list({ prefix: "big/", marker: "big/0099", maxKeys: "100" });
  expect(page).toMatchObject({ isTruncated: true, nextMarker: "big/0199" });
});

it("ends a listing whose prefix is itself a key (it used to repeat that key forever)", async () => {
  await addKeys(["photos/", "photos/a"]);
  expect(await listAll({ prefix: "photos/", maxKeys: "1" })).toEqual(["photos/", "photos/a"]);
});
