/**
 * The bucket's Objects tab and Empty bucket, in Chromium against the production server: browse
 * folders (by keyboard too), upload several files with a progress bar each, download, delete
 * several, copy a presigned link that works without a session, empty a bucket of many objects
 * and then delete it; every page and dialog state passes axe-core; usable at 390 px.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { BASE_URL, expect, test } from "./fixtures";

const SAME_ORIGIN = { origin: BASE_URL };

async function putObject(request: APIRequestContext, bucket: string, key: string, body: string | Buffer, contentType = "text/plain") {
  const response = await request.put(`/api/buckets/${bucket}/objects/content?key=${encodeURIComponent(key)}`, {
    data: Buffer.from(body),
    headers: { ...SAME_ORIGIN, "content-type": contentType },
  });
  expect(response.status(), await response.text()).toBe(201);
}

/** Empties and deletes a bucket a test left behind (the fixture's cleanup cannot delete a bucket that holds objects). */
async function removeBucket(request: APIRequestContext, bucket: string) {
  const listing = await (await request.get(`/api/buckets/${bucket}/objects?delimiter=&maxKeys=1000`)).json();
  const keys = (listing.objects ?? []).map((object: { key: string }) => object.key);
  if (keys.length > 0) await request.post(`/api/buckets/${bucket}/objects/delete`, { data: { keys }, headers: SAME_ORIGIN });
}

/** The shared WCAG 2.2 AA scan (e2e/axe.ts), for the running test. */
const expectAxeClean = (page: Page, state: string) => expectNoAxeViolations(page, test.info(), state);

test("browse folders, upload with progress, download, delete several, copy a presigned link", async ({ page, api }) => {
  // A long walk through the whole tab, with six accessibility scans: three times the usual ceiling.
  test.slow();
  const bucket = await api.createBucket("browse");
  const request = page.context().request;
  await putObject(request, bucket, "docs/readme.txt", "read me");
  await putObject(request, bucket, "docs/2024/report.csv", "a,b\n1,2\n", "text/csv");
  await putObject(request, bucket, "top.txt", "top level");

  await page.goto(`/buckets/${bucket}`);
  await page.getByRole("navigation", { name: "Bucket sections" }).getByRole("link", { name: "Objects", exact: true }).click();
  await expect(page).toHaveTitle(new RegExp(`^Objects · ${bucket}`));
  await expect(page.getByRole("heading", { name: "Objects", exact: true })).toBeVisible();
  const table = page.getByRole("region", { name: "Objects in this folder" });
  await expect(table.getByRole("link", { name: "docs/ (folder)" })).toBeVisible();
  await expect(table.getByRole("cell", { name: "top.txt", exact: true })).toBeVisible();
  await expect(table.getByRole("row", { name: /top\.txt/ })).toContainText("Uploaded");
  await expectAxeClean(page, "objects page");

  // Into the folder by keyboard, and out again by the breadcrumbs.
  await table.getByRole("link", { name: "docs/ (folder)" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/prefix=docs%2F/);
  const crumbs = page.getByRole("navigation", { name: "Folder path" });
  await expect(crumbs.getByRole("link", { name: "docs", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(table.getByRole("link", { name: "2024/ (folder)" })).toBeVisible();
  // The folder link went away with the listing: the focus is on the view's heading, not the page's body.
  await expect.poll(() => page.evaluate(() => document.activeElement !== document.body && document.activeElement?.matches("h1, h2"))).toBe(true);
  await expect(table.getByRole("cell", { name: "readme.txt", exact: true })).toBeVisible();
  await expect(table.getByRole("cell", { name: "top.txt", exact: true })).toHaveCount(0);

  // Search by prefix within the folder.
  await page.getByLabel("Search this folder by name prefix").fill("read");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/search=read/);
  await expect(table.getByRole("link", { name: "2024/ (folder)" })).toHaveCount(0);
  await expect(table.getByRole("cell", { name: "readme.txt", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Clear search" }).click();
  await expect(table.getByRole("link", { name: "2024/ (folder)" })).toBeVisible();

  // Upload two files into docs/, the large one slowed down so that its progress bar moves visibly.
  // Every value any progress bar takes is recorded as the page renders it.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    new MutationObserver((changes) => {
      for (const change of changes) if (change.target instanceof HTMLProgressElement) seen.push(change.target.value);
    }).observe(document.body, { attributes: true, attributeFilter: ["value"], subtree: true });
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
  // Files on disk: the browser reads them itself (a buffer would travel through the test protocol).
  const dir = await mkdtemp(path.join(os.tmpdir(), "objects-e2e-"));
  await writeFile(path.join(dir, "big file.bin"), Buffer.alloc(8 * 1024 * 1024, "x"));
  await writeFile(path.join(dir, "notes 笔记.txt"), "hello notes");
  await page.getByTestId("upload-input").setInputFiles([path.join(dir, "big file.bin"), path.join(dir, "notes 笔记.txt")]);
  const uploads = page.getByRole("region", { name: "Uploads" });
  const bigProgress = uploads.getByRole("progressbar", { name: "docs/big file.bin" });
  await expect(bigProgress).toBeVisible();
  await expect(uploads.getByText("Uploaded", { exact: false })).toHaveCount(2);
  await expect(bigProgress).toHaveAttribute("value", "100");
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
  // The bar moved through values between empty and full while the bytes went up.
  expect(seen.filter((value) => value > 0 && value < 100).length, `progress values seen: ${seen.join(", ")}`).toBeGreaterThan(0);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(table.getByRole("cell", { name: "big file.bin", exact: true })).toBeVisible();
  await expect(table.getByRole("row", { name: /notes 笔记\.txt/ })).toContainText("text/plain");
  await expectAxeClean(page, "after uploads");

  // Download keeps the name and the bytes.
  const downloadStarted = page.waitForEvent("download");
  await table.getByRole("link", { name: "Download notes 笔记.txt" }).click();
  const download = await downloadStarted;
  expect(download.suggestedFilename()).toBe("notes 笔记.txt");
  expect((await readFile((await download.path())!)).toString()).toBe("hello notes");

  // A presigned link, usable without signing in.
  await table.getByRole("button", { name: "Copy a link to readme.txt" }).click();
  const linkDialog = page.getByRole("dialog", { name: "Copy a link to this object" });
  await expect(linkDialog).toBeVisible();
  await linkDialog.getByLabel("The link works for").selectOption({ label: "1 day" });
  await expectAxeClean(page, "presign dialog");
  await linkDialog.getByRole("button", { name: "Create link" }).click();
  const linkField = linkDialog.getByLabel(/Presigned link/);
  await expect(linkField).toHaveValue(new RegExp(`^${BASE_URL}/v1/${bucket}/docs/readme\\.txt\\?authorization=`));
  await expect(linkDialog).toContainText("until");
  await expectAxeClean(page, "presigned link shown");
  const anonymous = await playwrightRequest.newContext();
  const fetched = await anonymous.get(await linkField.inputValue());
  expect(fetched.status()).toBe(200);
  expect(await fetched.text()).toBe("read me");
  await anonymous.dispose();
  await linkDialog.getByRole("button", { name: "Copy link" }).click();
  await expect(linkDialog.getByRole("status")).toContainText(/copied|Ctrl\+C/);
  await page.keyboard.press("Escape");
  await expect(linkDialog).toBeHidden();

  // Delete two at once, with a confirmation.
  await table.getByRole("checkbox", { name: "Select readme.txt" }).check();
  await table.getByRole("checkbox", { name: "Select big file.bin" }).check();
  await page.getByRole("button", { name: "Delete selected (2)" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete 2 objects?" });
  await expect(confirm).toContainText("docs/readme.txt");
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectAxeClean(page, "delete dialog");
  await confirm.getByRole("button", { name: "Delete 2 objects" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deleted 2 objects" })).toBeVisible();
  await expect(table.getByRole("cell", { name: "readme.txt", exact: true })).toHaveCount(0);
  await expect(table.getByRole("cell", { name: "big file.bin", exact: true })).toHaveCount(0);
  await expect(table.getByRole("cell", { name: "notes 笔记.txt", exact: true })).toBeVisible();

  await removeBucket(request, bucket);
});

test("empty a bucket of many objects with a typed confirmation, then delete it", async ({ page, api }) => {
  test.slow();
  const bucket = await api.createBucket("empty-me");
  const request = page.context().request;
  const count = 60;
  for (let i = 0; i < count; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => putObject(request, bucket, `f${(i + j) % 3}/o-${i + j}.txt`, `object ${i + j}`)));
  }

  await page.goto(`/buckets/${bucket}`);
  const deleteButton = page.getByRole("button", { name: "Delete bucket" });
  await expect(deleteButton).toBeDisabled();
  await expect(page.getByText(`The bucket holds ${count} objects: empty it first.`)).toBeVisible();
  await page.getByRole("button", { name: "Empty bucket" }).click();
  const dialog = page.getByRole("dialog", { name: `Empty bucket ${bucket}?` });
  await expect(dialog.getByLabel("Type the bucket name to confirm")).toBeFocused();
  const confirm = dialog.getByRole("button", { name: "Empty bucket" });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Type the bucket name to confirm").fill(bucket.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await expectAxeClean(page, "empty dialog");
  await dialog.getByLabel("Type the bucket name to confirm").fill(bucket);
  await confirm.click();
  await expect(dialog.getByRole("status")).toHaveText(`The bucket is empty: ${count} objects deleted.`);
  await expect(dialog.getByRole("progressbar")).toBeVisible();
  await expectAxeClean(page, "empty result");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(deleteButton).toBeEnabled();
  // "Empty bucket", which opened the dialog, is disabled now: the focus is not left on the page's body.
  await expect.poll(() => page.evaluate(() => document.activeElement !== document.body && document.activeElement !== null)).toBe(true);

  // The audit log says what happened in words, not as recorded ids ("bucket.emptied").
  await page.goto(`/buckets/${bucket}/audit`);
  const log = page.getByRole("table", { name: `Changes to ${bucket}, newest first` });
  await expect(log.getByRole("cell", { name: `Bucket emptied: ${count} objects deleted`, exact: true })).toBeVisible();
  await expect(log.getByRole("cell", { name: `Emptying started: ${count} objects to delete`, exact: true })).toBeVisible();
  await expect(log.getByText(/bucket\.empt|object\.upload/)).toHaveCount(0);
  await page.goto(`/buckets/${bucket}`);
  await deleteButton.click();
  await page.getByRole("dialog", { name: `Delete bucket ${bucket}?` }).getByRole("button", { name: "Delete bucket" }).click();
  await expect(page).toHaveURL(/\/buckets$/);
  await expect(page.getByRole("link", { name: bucket })).toHaveCount(0);
});

test("at 390 px the objects table scrolls inside its own box, not the page", async ({ page, api }) => {
  const bucket = await api.createBucket("narrow");
  await putObject(page.context().request, bucket, "a-rather-long-folder-name/and-a-long-object-name-that-needs-room.txt", "x");
  await putObject(page.context().request, bucket, "short.txt", "y");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/buckets/${bucket}/objects`);
  const table = page.getByRole("region", { name: "Objects in this folder" });
  await expect(table.getByRole("cell", { name: "short.txt", exact: true })).toBeVisible();
  // The Objects section fits the screen (the console's header is the layout's business).
  const section = page.getByRole("region", { name: "Objects", exact: true });
  const right = await section.evaluate((element) => ({ right: element.getBoundingClientRect().right, viewport: window.innerWidth }));
  expect(right.right).toBeLessThanOrEqual(right.viewport);
  const box = await table.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }));
  expect(box.scroll).toBeGreaterThan(box.client);
  await expect(page.getByRole("button", { name: "Upload files" })).toBeInViewport();
  await expectAxeClean(page, "objects page at 390 px");
  await removeBucket(page.context().request, bucket);
});
