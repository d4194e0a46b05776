/**
 * Writes that race on one key or one bucket keep their invariants on either database. On SQLite
 * one writer at a time makes them safe by itself; on PostgreSQL transactions interleave, and these
 * hold only because the read-then-write transactions run SERIALIZABLE with retries
 * (lib/db/transactions.ts): concurrent PUTs of one key orphan no blob, and concurrent saves of
 * overlapping rules let exactly one in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as bucketsRoute from "@/app/api/buckets/route";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import { db } from "@/lib/db/client";
import { checkConsistency } from "@/lib/objects/consistency-check";
import { PrismaObjectRepository } from "@/lib/objects/object-repository";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute } from "../support/route-client";
import { signedFetch } from "../support/signed-fetch";
import { storedBlobs } from "../support/stored-blobs";
import { waitFor } from "../support/wait";

const WRITERS = 12;
let server: TestObjectServer;

beforeAll(async () => {
  server = await startObjectServer();
});
afterAll(() => server.stop());

async function consistency() {
  const repository = new PrismaObjectRepository(db);
  return checkConsistency({ blobs: storedBlobs(), rows: repository, journal: repository }, { repair: false, staleTempMs: 3_600_000 });
}

describe("concurrent writes", () => {
  it("leaves one object and no orphaned blob when many clients PUT one key at once", async () => {
    expect((await signedFetch(`${server.url}/v1/racing`, { method: "PUT" })).status).toBe(200);
    const bodies = Array.from({ length: WRITERS }, (_, i) => `version ${i} `.repeat(100 + i));
    const statuses = await Promise.all(bodies.map(async (body) => (await signedFetch(`${server.url}/v1/racing/one-key`, { method: "PUT", body })).status));
    expect(statuses).toEqual(bodies.map(() => 200));

    const stored = await (await signedFetch(`${server.url}/v1/racing/one-key`)).text();
    expect(bodies).toContain(stored);
    expect(await db().storedObject.count({ where: { bucket: { name: "racing" } } })).toBe(1);
    // Every replaced version's blob is removed; the one left is the row's. (Removals finish after
    // the responses: wait for them, but an orphan never goes and fails this.)
    let last = await consistency();
    await waitFor(async () => {
      last = await consistency();
      return last.blobsWithoutRow.length === 0 && last.pendingWrites === 0 && last.blobsChecked === 1;
    }, "the replaced versions' blobs to be removed").catch((error: Error) => {
      throw new Error(`${error.message}: ${last.blobsWithoutRow.length} blobs without a row, ${last.pendingWrites} journal entries, ${last.blobsChecked} blobs`);
    });
    expect((await consistency()).rowsWithoutBlob).toEqual([]);
  });

  it("lets exactly one of several concurrent overlapping rules in, and numbers concurrent distinct rules 1…n", async () => {
    const bucket = "rule-race";
    expect((await callRoute(bucketsRoute.POST, { body: { name: bucket, zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } })).status).toBe(201);
    const rule = (conditionPrefix: string) =>
      callRoute(rulesRoute.POST, { params: { bucket }, body: { origin: { type: "url", protocol: "http", host: "www.myweb.com" }, storageClass: "STANDARD", conditionPrefix } });

    const overlapping = await Promise.all(Array.from({ length: 6 }, () => rule("same")));
    expect(overlapping.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(overlapping.filter((response) => response.status === 409).map((response) => response.body.code)).toEqual(Array(5).fill("RuleConflict"));

    const distinct = await Promise.all(Array.from({ length: 6 }, (_, i) => rule(`own-${i}`)));
    expect(distinct.map((response) => response.status)).toEqual(Array(6).fill(201));
    const rows = await db().mirrorRule.findMany({ where: { bucket: { name: bucket } }, orderBy: { number: "asc" }, select: { number: true } });
    expect(rows.map((row) => row.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
