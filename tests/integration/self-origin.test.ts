/**
 * A rule whose origin is this service itself is refused when it is saved, where that can be known:
 * OBJECT_HOST and its bucket subdomains, and a loopback address on the service's own port (even
 * when ORIGIN_ALLOWLIST admits loopback). A loop through a proxy is stopped at fetch time instead
 * (object-path-safety.test.ts).
 */
process.env.OBJECT_HOST = "objects.example.test";
process.env.PORT = "3999";

import { beforeEach, expect, it } from "vitest";
import * as bucketsRoute from "@/app/api/buckets/route";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import { callRoute, resetDatabase } from "../support/route-client";

const bucket = "selfish";
const createRule = (protocol: string, host: string) =>
  callRoute(rulesRoute.POST, { params: { bucket }, body: { origin: { type: "url", protocol, host }, storageClass: "STANDARD" } });

beforeEach(async () => {
  await resetDatabase();
  await callRoute(bucketsRoute.POST, { body: { name: bucket, zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
});

it.each([
  ["http", "objects.example.test"],
  ["https", "other-bucket.objects.example.test:8443"],
  ["http", "127.0.0.1:3999"],
])("refuses %s://%s as this service's own address", async (protocol, host) => {
  const response = await createRule(protocol, host);
  expect(response.status).toBe(422);
  expect(response.body.fieldErrors["origin.host"].join(" ")).toMatch(/this service's own address/);
});

it("accepts the same loopback host on another port (allowlisted in tests)", async () => {
  expect((await createRule("http", "127.0.0.1:4000")).status).toBe(201);
});
