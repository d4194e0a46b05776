/**
 * An origin whose circuit breaker opened shows in the rules list, where a user looking at "why do my
 * misses fail?" would look: "Origin unavailable since …, retrying at …" under the rule's origin.
 */
import { expectNoAxeViolations } from "./axe";
import { BASE_URL, expect, test } from "./fixtures";
import { startOriginServer, type RunningOrigin } from "./origin";

let origin: RunningOrigin;

test.beforeAll(async () => {
  // An origin in trouble: every request gets a 502 (ORIGIN_ALLOWLIST admits loopback for the suite).
  origin = await startOriginServer((_req, res) => res.writeHead(502).end("bad gateway"));
});
test.afterAll(() => origin.stop());

test("after five failed misses the rules list says the origin is unavailable and when it is retried", async ({ page, api }, testInfo) => {
  const bucket = await api.createBucket("breaker");
  await api.createRule(bucket, { origin: { type: "url", protocol: "http", host: origin.host } });
  const request = page.context().request;
  const acl = await request.patch(`/api/buckets/${bucket}`, { data: { acl: "public-read" }, headers: { origin: BASE_URL } });
  expect(acl.status(), await acl.text()).toBe(200);

  await page.goto(`/buckets/${bucket}/configuration`);
  const originCell = page.getByRole("cell", { name: `http://${origin.host}` });
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
