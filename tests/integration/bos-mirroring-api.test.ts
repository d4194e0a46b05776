import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import { db } from "@/lib/db/client";
import { callRoute } from "../support/route-client";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;
const url = (bucket: string) => `${server.url}/v1/${bucket}?mirroring`;
const putConfig = (bucket: string, body: unknown) => signedFetch(url(bucket), { method: "PUT", body: typeof body === "string" ? body : JSON.stringify(body) });

beforeAll(async () => {
  server = await startObjectServer();
  for (const name of ["bosapi", "other-bucket"]) await signedFetch(`${server.url}/v1/${name}`, { method: "PUT" });
});
afterAll(() => server.stop());

describe("BOS ?mirroring API", () => {
  it("replaces every rule, and returns them in BOS's shape", async () => {
    const first = await putConfig("bosapi", { bucketMirroringConfiguration: [{ resource: "old*", sourceUrl: "http://old.example.com" }] });
    expect(first.status).toBe(200);
    const response = await putConfig("bosapi", {
      bucketMirroringConfiguration: [
        { resource: "abc*", sourceUrl: "https://myweb.com", version: "v2", prefixReplace: "tihuan/edf", suffix: ".doc", passQuerystring: true },
        { mode: "redirect", resource: "img*.jpg", sourceUrl: "bos://other-bucket", fixedKey: "default.jpg", passQueryString: true },
      ],
    });
    expect(response.status).toBe(200);
    const config = await (await signedFetch(url("bosapi"))).json();
    expect(config.bucketMirroringConfiguration).toEqual([
      expect.objectContaining({ mode: "fetch", resource: "abc*", sourceUrl: "https://myweb.com", version: "v2", prefixReplace: "tihuan/edf", suffix: ".doc", passQuerystring: true }),
      expect.objectContaining({ mode: "redirect", resource: "img*.jpg", sourceUrl: "bos://other-bucket", fixedKey: "default.jpg", passQuerystring: true }),
    ]);
  });

  it("shows the console the same rules", async () => {
    const { body } = await callRoute(rulesRoute.GET, { params: { bucket: "bosapi" } });
    expect(body.rules.map((rule: { conditionPrefix: string }) => rule.conditionPrefix)).toEqual(["abc", "img"]);
    expect(body.rules[1]).toMatchObject({ origin: { type: "bucket", bucket: "other-bucket" }, conditionSuffix: ".jpg" });
  });

  it("validates the whole set and changes nothing when any rule is wrong", async () => {
    const before = await db().mirrorRule.count();
    const cases: [unknown, RegExp][] = [
      [{ bucketMirroringConfiguration: [{ resource: "a*", sourceUrl: "a.com" }, { resource: "ab*", sourceUrl: "b.com" }] }, /Rule 2 \(prefix "ab"\) overlaps rule 1 \(prefix "a"\): one key could match both rules/],
      [{ bucketMirroringConfiguration: Array.from({ length: 21 }, (_, i) => ({ resource: `p${i}*`, sourceUrl: "a.com" })) }, /at most 20/],
      [{ bucketMirroringConfiguration: [{ resource: "abc/*", sourceUrl: "a.com" }] }, /Rule 1: conditionPrefix: The prefix condition cannot end with \//],
      [{ bucketMirroringConfiguration: [{ sourceUrl: "a.com", passHeaders: ["Host"] }] }, /Host is managed/],
      [{ bucketMirroringConfiguration: [{ sourceUrl: "a.com", fixedKey: "x" }] }, /Redirection only/],
      [{ bucketMirroringConfiguration: [{ sourceUrl: "a.com", storageClass: "MAZ_STANDARD" }] }, /not available in a single-AZ bucket/],
      [{ bucketMirroringConfiguration: [{ sourceUrl: "bos://ghost" }] }, /no bucket named ghost/],
      [{ bucketMirroringConfiguration: [{ sourceUrl: "a.com", prefixReplace: "x" }] }, /version/],
      [{ rules: [] }, /bucketMirroringConfiguration/],
    ];
    for (const [body, message] of cases) {
      const response = await putConfig("bosapi", body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const error = await response.json();
      expect(error.code).toBe("InvalidArgument");
      expect(error.message).toMatch(message);
    }
    expect(await db().mirrorRule.count()).toBe(before);
  });

  it("answers MalformedJSON for a body that is not JSON, and NoSuchBucket for an unknown bucket", async () => {
    const malformed = await putConfig("bosapi", "{nope");
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).code).toBe("MalformedJSON");
    expect((await signedFetch(url("nobucket"))).status).toBe(404);
    expect((await putConfig("nobucket", { bucketMirroringConfiguration: [] })).status).toBe(404);
  });

  it("deletes every rule", async () => {
    expect((await signedFetch(url("bosapi"), { method: "DELETE" })).status).toBe(204);
    expect(await (await signedFetch(url("bosapi"))).json()).toEqual({ bucketMirroringConfiguration: [] });
  });
});
