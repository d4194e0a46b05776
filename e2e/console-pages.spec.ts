/**
 * Console pages as a whole: each has a document title of its own; an unknown bucket, rule or
 * address gets a not-found page that says so (in its title too), not an error and "Try again";
 * a real load error keeps its retry, in readable colours; the bucket tabs fit a phone.
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expectNoAxeViolations } from "./axe";
import { BASE_URL, expect, test } from "./fixtures";

const APP = "BOS Mirror console";
const PHONE = { width: 390, height: 844 };
const TABS = ["Overview", "Objects", "Configuration Management", "Migration", "Audit log"];

test("every console page has its own title, and no two are alike", async ({ page, api }) => {
  test.slow();
  const bucket = await api.createBucket("titles");
  const { id } = await api.createRule(bucket, { conditionPrefix: "img" });
  const rules = `/buckets/${bucket}/configuration/mirroring`;
  const unknownBucket = api.uniqueName("no-such-bucket");
  const pages: [path: string, title: string][] = [
    ["/buckets", `Buckets · ${APP}`],
    ["/access-keys", `Access keys · ${APP}`],
    [`/buckets/${bucket}`, `${bucket} · Buckets · ${APP}`],
    [`/buckets/${bucket}/objects`, `Objects · ${bucket} · ${APP}`],
    [`/buckets/${bucket}/migration`, `Migration · ${bucket} · ${APP}`],
    [`/buckets/${bucket}/configuration`, `Mirror rules · ${bucket} · ${APP}`],
    [`${rules}/new`, `New mirror rule · ${bucket} · ${APP}`],
    [`${rules}/${id}`, `Mirror rule #${id} · ${bucket} · ${APP}`],
    [`${rules}/${id}/edit`, `Edit mirror rule #${id} · ${bucket} · ${APP}`],
    [`/buckets/${bucket}/audit`, `Audit log · ${bucket} · ${APP}`],
    [`${rules}/99`, `No such rule · ${bucket} · ${APP}`],
    [`/buckets/${unknownBucket}`, `No such bucket · ${APP}`],
    ["/no-such-page-e2e", `Page not found · ${APP}`],
  ];
  for (const [path, title] of pages) {
    await page.goto(path);
    await expect(page, path).toHaveTitle(title);
  }
  const titles = pages.map(([, title]) => title);
  expect(new Set(titles).size, titles.join("\n")).toBe(titles.length);

  // The same titles where the not-found state is reached another way, and on a folder of objects.
  for (const [path, title] of [
    [`${rules}/99/edit`, `No such rule · ${bucket} · ${APP}`],
    [`${rules}/not-a-number`, `No such rule · ${bucket} · ${APP}`],
    [`/buckets/${unknownBucket}/objects`, `No such bucket · ${APP}`],
    [`/buckets/${unknownBucket}/configuration/mirroring/1`, `No such bucket · ${APP}`],
    [`/buckets/${bucket}/objects?prefix=img/`, `Objects in img/ · ${bucket} · ${APP}`],
  ] as const) {
    await page.goto(path);
    await expect(page, path).toHaveTitle(title);
  }

  // Moving between tabs (a client-side navigation) changes the title too.
  await page.goto(`/buckets/${bucket}`);
  await page.getByRole("navigation", { name: "Bucket sections" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveTitle(`Audit log · ${bucket} · ${APP}`);

  // Signed out, the sign-in page.
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await expect(page).toHaveTitle(`Sign in · ${APP}`);
});

test("an unknown rule gets a not-found page with a way back to the rules, not an error and Try again", async ({ page, api }, testInfo) => {
  const bucket = await api.createBucket("no-rule");
  await api.createRule(bucket, { conditionPrefix: "img" });
  const rules = `/buckets/${bucket}/configuration/mirroring`;
  for (const [path, number] of [
    [`${rules}/99`, "99"],
    [`${rules}/99/edit`, "99"],
    [`${rules}/not-a-number`, "not-a-number"],
  ] as const) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "No such rule" })).toBeVisible();
    await expect(page.getByText(`Bucket ${bucket} has no mirror rule #${number}.`)).toBeVisible();
    await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
    await expect(page.getByText(/Could not load/)).toHaveCount(0);
    // Still inside the bucket: its tabs are there, on the rules' tab.
    await expect(page.getByRole("link", { name: "Configuration Management" })).toHaveAttribute("aria-current", "page");
  }
  await page.goto(`${rules}/99`);
  await expect(page.getByRole("heading", { name: "No such rule" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "unknown rule");
  await page.getByRole("link", { name: "Back to the bucket's rules" }).click();
  await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
  await expect(page.getByRole("table", { name: "Mirror back-to-origin rules" })).toBeVisible();
});

test("an unknown bucket and an unknown address answer 404 with their not-found pages, which have no axe violations", async ({ page, api }, testInfo) => {
  const unknownBucket = await page.goto(`/buckets/${api.uniqueName("no-such-bucket")}`);
  expect(unknownBucket?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No such bucket" })).toBeVisible();

  const unknownAddress = await page.goto("/no-such-page-e2e");
  expect(unknownAddress?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle(`Page not found · ${APP}`);
  await expectNoAxeViolations(page, testInfo, "404 page");
});

test("a real load error keeps its Try again, and every text of it is readable (axe colour contrast)", async ({ page, api }, testInfo) => {
  const bucket = await api.createBucket("load-error");
  const { id } = await api.createRule(bucket, { conditionPrefix: "img" });
  // The server finds the rule; the browser's request for it fails as a server in trouble would.
  await page.route(`**/api/buckets/${bucket}/mirroring/rules/${id}`, (route) =>
    route.fulfill({ status: 500, contentType: "application/json", json: { code: "InternalError", message: "The database is busy.", requestId: "req-e2e-1" } }),
  );
  await page.goto(`/buckets/${bucket}/configuration/mirroring/${id}`);
  const alert = page.getByRole("alert").filter({ hasText: `Could not load rule #${id}` });
  await expect(alert).toContainText("Request id: req-e2e-1");
  await expect(alert.getByRole("button", { name: "Try again" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "a rule that failed to load");
});

test("at 390 px every bucket tab is in sight, the current one too, usable by keyboard; the pages have no axe violations", async ({ page, api }, testInfo) => {
  test.slow();
  await page.setViewportSize(PHONE);
  const bucket = await api.createBucket("phone-tabs");
  await api.createRule(bucket, { conditionPrefix: "img" });
  const tabs = page.getByRole("navigation", { name: "Bucket sections" });
  const tab = (name: string) => tabs.getByRole("link", { name, exact: true });
  for (const [path, current, label] of [
    [`/buckets/${bucket}`, "Overview", "overview"],
    [`/buckets/${bucket}/configuration`, "Configuration Management", "rules"],
    [`/buckets/${bucket}/audit`, "Audit log", "audit log"],
  ] as const) {
    await page.goto(path);
    await expect(tab(current)).toHaveAttribute("aria-current", "page");
    await expect(tabs.locator("[aria-current]")).toHaveCount(1);
    for (const name of TABS) await expect(tab(name), `${name} on the ${label} page`).toBeInViewport({ ratio: 1 });
    // Nothing hides inside the bar either (no sideways scroller to discover), nor makes the page scroll sideways.
    expect(await tabs.evaluate((bar) => bar.scrollWidth - bar.clientWidth)).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0);
    await expectNoAxeViolations(page, testInfo, `${label} at 390 px`);
  }

  // The keyboard goes through the tabs in their order, and Enter follows one.
  await page.goto(`/buckets/${bucket}`);
  await tab("Overview").focus();
  for (const name of TABS.slice(1)) {
    await page.keyboard.press("Tab");
    await expect(tab(name)).toBeFocused();
  }
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/audit$`));
  await expect(tab("Audit log")).toHaveAttribute("aria-current", "page");
  await expect(tab("Audit log")).toBeInViewport({ ratio: 1 });
});

test("the server's start-up banner says which private origins ORIGIN_ALLOWLIST lets through", async () => {
  // playwright.config.ts starts the server with ORIGIN_ALLOWLIST=127.0.0.1 and keeps its output here.
  const log = path.join(os.tmpdir(), `bos-mirror-e2e-${process.env.E2E_PORT ?? 3210}-server.log`);
  const banner = (await readFile(log, "utf8")).split("\n").filter((line) => line.startsWith("Origin allowlist"));
  expect(banner).toEqual(["Origin allowlist (ORIGIN_ALLOWLIST): 127.0.0.1"]);
});

test("a bucket deleted while its page is in the browser's history shows the not-found page on Back", async ({ page, api }) => {
  const bucket = await api.createBucket("gone-back");
  await page.goto(`/buckets/${bucket}`);
  await page.getByRole("button", { name: "Delete bucket" }).click();
  await page.getByRole("dialog", { name: `Delete bucket ${bucket}?` }).getByRole("button", { name: "Delete bucket" }).click();
  await expect(page).toHaveURL(/\/buckets$/);
  await page.goBack();
  await expect(page.getByRole("heading", { name: "No such bucket" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
  await expect(page.getByText(/^Could not load/)).toHaveCount(0);
});

test("a 63-character bucket name without hyphens does not push any bucket page sideways at 390 px", async ({ page, api }) => {
  await page.setViewportSize(PHONE);
  const name = `long${Date.now().toString(36)}${"x".repeat(63)}`.slice(0, 63);
  const created = await page.context().request.post("/api/buckets", {
    data: { name, zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" },
    headers: { origin: BASE_URL },
  });
  expect(created.status(), await created.text()).toBe(201);
  api.track(name);
  for (const path of ["", "/objects", "/configuration", "/migration", "/audit", "/configuration/mirroring/new"]) {
    await page.goto(`/buckets/${name}${path}`);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path || "overview"} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  }
});
