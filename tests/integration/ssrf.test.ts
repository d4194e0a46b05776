/**
 * The SSRF guard with the allowlist naming only 127.0.0.3: every other private address is refused
 * when a rule is saved, and again before the engine connects (including after redirects).
 * ssrf-before-connect.test.ts shows that nothing reaches a refused address.
 */
process.env.ORIGIN_ALLOWLIST = "127.0.0.3";

import { spyOnLog, type LogSpy } from "../support/log-spy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as bucketsRoute from "@/app/api/buckets/route";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import { db } from "@/lib/db/client";
import { toRuleColumns } from "@/lib/mirroring/rule-record";
import { mirrorRuleSchema } from "@/lib/mirroring/rule-schema";
import { UNREACHABLE_MESSAGE } from "@/lib/origin/origin-client";
import { RecordingOrigin } from "../support/recording-origin";
import { callRoute } from "../support/route-client";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;
let internal: RecordingOrigin;
/** Listening on every address, so whichever address "localhost" resolves to would connect. */
let everywhere: RecordingOrigin;
let allowed: RecordingOrigin;

beforeAll(async () => {
  server = await startObjectServer();
  internal = await new RecordingOrigin("127.0.0.2").start();
  internal.serve("/secret", "internal data");
  everywhere = await new RecordingOrigin("::").start();
  allowed = await new RecordingOrigin("127.0.0.3").start();
  await callRoute(bucketsRoute.POST, { body: { name: "guarded", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
});
afterAll(async () => {
  await server.stop();
  await internal.stop();
  await everywhere.stop();
  await allowed.stop();
});

const HOSTS = [
  "127.0.0.1",
  "localhost",
  "[::1]",
  "[::ffff:127.0.0.1]",
  "169.254.169.254",
  "10.0.0.1",
  "172.16.0.1",
  "192.168.0.1",
  "100.100.100.200",
  "[fc00::1]",
  "[fe80::1]",
  "0x7f.1",
  "2130706433",
];

describe("when a rule is saved", () => {
  it.each(HOSTS)("the console API refuses origin %s with a field error", async (host) => {
    const result = await callRoute(rulesRoute.POST, {
      params: { bucket: "guarded" },
      body: { origin: { type: "url", host }, storageClass: "STANDARD" },
    });
    expect(result.status).toBe(422);
    expect(result.body.fieldErrors["origin.host"]).toHaveLength(1);
  });

  it("checks the backup origin too", async () => {
    const result = await callRoute(rulesRoute.POST, {
      params: { bucket: "guarded" },
      body: { origin: { type: "url", host: "203.0.113.10" }, backupOrigin: { type: "url", host: "169.254.169.254" }, storageClass: "STANDARD" },
    });
    expect(result.body.fieldErrors["backupOrigin.host"][0]).toMatch(/link-local/);
  });

  it.each(HOSTS)("the BOS API refuses sourceUrl http://%s", async (host) => {
    const response = await signedFetch(`${server.url}/v1/guarded?mirroring`, {
      method: "PUT",
      body: JSON.stringify({ bucketMirroringConfiguration: [{ sourceUrl: `http://${host}` }] }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe("InvalidArgument");
  });

  it("admits an allowlisted private origin", async () => {
    await bucketWithRules(server.url, "allowed-origin", [{ sourceUrl: `http://${allowed.host}` }]);
  });
});

describe("when the engine connects", () => {
  /** A rule stored before the guard could see it (e.g. DNS changed since): only the fetch-time check stands. */
  async function plantRule(bucket: string, host: string) {
    await callRoute(bucketsRoute.POST, { body: { name: bucket, zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
    const { id } = await db().bucket.findUniqueOrThrow({ where: { name: bucket } });
    const rule = mirrorRuleSchema.parse({ origin: { type: "url", host }, storageClass: "STANDARD" });
    await db().mirrorRule.create({ data: { bucketId: id, ...toRuleColumns(rule) } });
  }

  /** A 424 tells the client only UNREACHABLE_MESSAGE; the reason is logged under its request id. */
  async function expectRefused(response: Response, reason: RegExp, warn: LogSpy) {
    expect(response.status).toBe(424);
    const body = await response.json();
    expect(body.message).toContain(UNREACHABLE_MESSAGE);
    const logged = warn.lines().filter((line) => line.includes(body.requestId));
    expect(logged.join("\n")).toMatch(reason);
  }

  it("refuses an origin address that is private", async () => {
    await plantRule("planted-ip", internal.host);
    const warn = spyOnLog("warn");
    try {
      await expectRefused(await signedFetch(`${server.url}/v1/planted-ip/secret`), /127\.0\.0\.2 is a loopback address/, warn);
    } finally {
      warn.restore();
    }
    expect(internal.received).toHaveLength(0);
  });

  it("refuses a host name that resolves to a private address", async () => {
    everywhere.serve("/secret", "internal data");
    await plantRule("planted-name", `localhost:${everywhere.host.split(":").pop()}`);
    const warn = spyOnLog("warn");
    try {
      const response = await signedFetch(`${server.url}/v1/planted-name/secret`);
      await expectRefused(response, /refused to connect to localhost: (::1|127\.0\.0\.1) is a loopback address/, warn);
    } finally {
      warn.restore();
    }
    expect(everywhere.requestsFor("/secret")).toHaveLength(0);
  });

  it.each([
    ["an internal IP", (target: string) => `http://${internal.host}${target}`, () => internal, /127\.0\.0\.2 is a loopback address/],
    // To a listener on every address: whichever address "localhost" resolves to would connect.
    ["localhost", (target: string) => `http://localhost:${everywhere.host.split(":").pop()}${target}`, () => everywhere, /refused to connect to localhost: (::1|127\.0\.0\.1) is a loopback address/],
    ["an IPv4-mapped address", (target: string) => `http://[::ffff:127.0.0.2]:${internal.host.split(":")[1]}${target}`, () => internal, /refused to connect to ::ffff:7f00:2: ::ffff:7f00:2 is an IPv4-mapped address/],
  ])("refuses a redirect to %s", async (name, location, listener, reason) => {
    const path = `/redirect-${name.replaceAll(" ", "-")}`;
    const target = `/secret-behind-${name.replaceAll(" ", "-")}`;
    listener().serve(target, "internal data");
    allowed.on(path, (_req, res) => res.writeHead(302, { location: location(target) }).end());
    const warn = spyOnLog("warn");
    try {
      await expectRefused(await signedFetch(`${server.url}/v1/allowed-origin${path}`), reason, warn);
    } finally {
      warn.restore();
    }
    expect(listener().requestsFor(target)).toHaveLength(0);
  });
});
