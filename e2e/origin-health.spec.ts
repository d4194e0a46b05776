/**
 * An origin whose circuit breaker opened shows in the rules list, where a user looking at "why do my
 * misses fail?" would look: "Origin unavailable since …, retrying at …" under the rule's origin.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expectNoAxeViolations } from "./axe";
import { BASE_URL, expect, test } from "./fixtures";

let origin: Server;
let originHost: string;

test.beforeAll(async () => {
  // An origin in trouble: every request gets a 502 (ORIGIN_ALLOWLIST admits loopback for the suite).
  origin = createServer((_req, res) => res.writeHead(502).end("bad gateway"));
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originHost = `127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
});

test("after five failed misses the rules list says the origin is unavailable and when it is retried", async ({ page, api }, testInfo) => {
  const bucket = await api.createBucket("breaker");
  await api.createRule(bucket, { origin: { type: "url", protocol: "http", host: originHost } });
  const request = page.context().request;
  const acl = await request.patch(`/api/buckets/${bucket}`, { data: { acl: "public-read" }, headers: { origin: BASE_URL } });
  expect(acl.status(), await acl.text()).toBe(200);

  await page.goto(`/buckets/${bucket}/configuration`);
  const originCell = page.getByRole("cell", { name: `http://${originHost}` });
  await expect(originCell).toBeVisible();
  await expect(originCell.getByRole("status")).toHaveCount(0);

  for (let i = 0; i < 5; i++) {
    const miss = await request.get(`/v1/${bucket}/missing-${i}`);
    expect(miss.status()).toBe(424);
    expect(await miss.text()).toContain("HTTP 502");
  }
  const refused = await request.get(`/v1/${bucket}/one-more`);
  expect(refused.status()).toBe(424);
  expect(await refused.text()).toContain("unavailable");

  await page.reload();
  const note = originCell.getByRole("status");
  await expect(note).toContainText(/Origin unavailable since .+, retrying at .+\. Misses fail with 424 until then\./);
  await expectNoAxeViolations(page, testInfo, "rules list with an unavailable origin");
});
