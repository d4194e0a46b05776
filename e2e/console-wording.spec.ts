/**
 * The console's words as they are laid out and said: no word breaks in the middle (keys and URLs
 * wrap only after / ? & = . - _, emails at "@" or not at all), no page scrolls sideways on a 390 px
 * phone (wide tables scroll in their own box), the rule preview marks every part a save would
 * refuse, conflicts name every overlapping rule in the same numbering everywhere, and a backup
 * origin keeps the primary's protocol.
 */
import type { Locator, Page } from "@playwright/test";
import { BASE_URL, expect, test } from "./fixtures";
import { startOrigin } from "./origin";
import { RuleFormPage } from "./rule-form-page";

const PHONE = { width: 390, height: 844 };
const SAME_ORIGIN = { origin: BASE_URL };

/**
 * Every word of the elements' visible text whose characters sit on more than one line, written
 * with a "|" where the line changes ("exam|ple"). A word is a run of characters between white
 * space and the characters a key, URL or email may break at (/ ? & = . - _ @), within one block:
 * each character's box comes from a Range, so this sees exactly what the reader sees.
 */
async function midWordBreaks(elements: Locator): Promise<string[]> {
  return elements.evaluateAll((roots) => {
    const SEPARATOR = /[\s/?&=._@-]/;
    const broken: string[] = [];
    const blockOf = (element: Element): Element => {
      for (let current: Element | null = element; current; current = current.parentElement) {
        const display = getComputedStyle(current).display;
        if (display !== "inline" && display !== "contents") return current;
      }
      return element;
    };
    for (const root of roots) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let word: { char: string; rect: DOMRect }[] = [];
      let wordBlock: Element | null = null;
      const flush = () => {
        if (word.length > 1) {
          const first = word[0]!.rect;
          const middle = (rect: DOMRect) => rect.top + rect.height / 2;
          let text = "";
          let line = middle(first);
          let split = false;
          for (const { char, rect } of word) {
            if (Math.abs(middle(rect) - line) > 0.6 * Math.min(rect.height, first.height)) {
              text += "|";
              line = middle(rect);
              split = true;
            }
            text += char;
          }
          if (split) broken.push(text);
        }
        word = [];
      };
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node as Text;
        const parent = text.parentElement;
        // Visually hidden text (sr-only) is one character per line by design; text that is not
        // rendered (a closed <details>, display: none) has no boxes of its own to measure.
        if (!parent || parent.closest(".sr-only") || !parent.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })) continue;
        const block = blockOf(parent);
        if (block !== wordBlock) flush();
        wordBlock = block;
        for (let index = 0; index < text.data.length; index++) {
          const char = text.data[index]!;
          if (SEPARATOR.test(char)) {
            flush();
            continue;
          }
          const range = document.createRange();
          range.setStart(text, index);
          range.setEnd(text, index + 1);
          const rect = [...range.getClientRects()].find((box) => box.width > 0 && box.height > 0);
          if (rect) word.push({ char, rect });
        }
      }
      flush();
    }
    return broken;
  });
}

async function expectWholeWords(elements: Locator, where: string): Promise<void> {
  await expect(elements.first()).toBeVisible();
  expect(await midWordBreaks(elements), `words broken mid-word in ${where}`).toEqual([]);
}

async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${where} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

test("the mid-word check sees a word broken by break-all and passes words wrapped at their break characters", async ({ page }) => {
  await page.setContent(`
    <div id="bad" style="width: 40px; word-break: break-all; font: 14px monospace">room.txt-abcdefgh</div>
    <div id="good" style="width: 60px; font: 14px monospace">room.<wbr>txt/<wbr>a-long-name_here</div>
  `);
  expect(await midWordBreaks(page.locator("#bad"))).not.toEqual([]);
  expect(await midWordBreaks(page.locator("#good"))).toEqual([]);
});

test("the audit log's words stay whole at 1400 px and at 390 px, on a bucket and on the access keys page", async ({ page, api }) => {
  const bucket = await api.createBucket("wording-audit");
  await api.createRule(bucket, { conditionPrefix: "images/2026/summer-holiday", origin: { type: "url", protocol: "https", host: "static.an-origin-with-a-long-name.example.com" } });
  await api.setAcl(bucket, "public-read");

  await page.goto(`/buckets/${bucket}/audit`);
  const log = page.getByRole("table", { name: `Changes to ${bucket}, newest first` });
  await expect(log.getByRole("row")).toHaveCount(4);
  await expect(log).toContainText("e2e-admin@example.com");
  await expectWholeWords(log, "the bucket's audit log at 1400 px");
  // The rule's states, side by side at this width: its long hosts wrap at their dots and hyphens.
  await log.getByRole("row").filter({ hasText: "Rule #1 added" }).getByText("Before and after").click();
  await expectWholeWords(log, "the bucket's audit log with a rule's details open, at 1400 px");

  await page.setViewportSize(PHONE);
  await expectWholeWords(log, "the bucket's audit log at 390 px");
  await expectNoSidewaysScroll(page, "the bucket's audit log");
  // The details open inside the table's own scroll box: the JSON wraps at its URL's slashes and dots.
  await expectWholeWords(log, "the bucket's audit log with its details open, at 390 px");
  await expectNoSidewaysScroll(page, "the bucket's audit log with its details open");

  await page.goto("/access-keys");
  const keysLog = page.getByRole("table", { name: "Changes to access keys, newest first" });
  await expect(keysLog.getByRole("row").nth(1)).toBeVisible();
  await expectWholeWords(keysLog, "the access keys' audit log at 390 px");
});

test("a pulled object's key and origin URL stay whole at 390 px, in the Migration tab's events and the Objects table", async ({ page, api }) => {
  // In the img/ folder itself, so the Objects table lists it beside room.txt.
  const key = "img/dog-with-a-rather-long-name.photograph_of_the_dog.jpeg";
  const origin = await startOrigin({ [`/${key}`]: { body: "a photograph of a dog", type: "image/jpeg" } });
  try {
    const bucket = await api.createBucket("wording-pull");
    await api.createRule(bucket, { conditionPrefix: "img", origin: { type: "url", protocol: "http", host: origin.host } });
    await api.setAcl(bucket, "public-read");
    const request = page.context().request;
    expect((await request.get(`/v1/${bucket}/${key}`)).status()).toBe(200);
    // A short name beside the long one: it must not break either ("room.t|xt").
    const put = await request.put(`/api/buckets/${bucket}/objects/content?key=${encodeURIComponent("img/room.txt")}`, {
      data: "a room",
      headers: { ...SAME_ORIGIN, "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
    });
    expect(put.status(), await put.text()).toBe(201);

    await page.setViewportSize(PHONE);
    await page.goto(`/buckets/${bucket}/migration`);
    await page.getByRole("button", { name: "Everything" }).click();
    const events = page.getByRole("table", { name: /Recent back-to-origin events \(Everything\)/ });
    await expect(events).toContainText(`http://${origin.host}/${key}`);
    await expectWholeWords(events, "the recent back-to-origin events at 390 px");
    await expectNoSidewaysScroll(page, "the Migration tab");

    await page.goto(`/buckets/${bucket}/objects?prefix=img%2F`);
    const objects = page.getByRole("region", { name: "Objects in this folder" });
    await expect(objects.getByRole("cell", { name: "room.txt", exact: true })).toBeVisible();
    await expect(objects).toContainText(`Mirrored from http://${origin.host}/${key}`);
    await expectWholeWords(objects.getByRole("table"), "the objects table at 390 px");
    await expectNoSidewaysScroll(page, "the Objects tab");
  } finally {
    await origin.stop();
  }
});

test("the rules table and the rule preview keep their words whole at 390 px", async ({ page, api }) => {
  const bucket = await api.createBucket("wording-rules");
  await api.createRule(bucket, {
    conditionPrefix: "images/2026/summer-holiday",
    conditionSuffix: ".jpeg",
    origin: { type: "url", protocol: "https", host: "static.an-origin-with-a-long-name.example.com" },
    backupOrigin: { type: "url", protocol: "https", host: "backup.another-origin-with-a-long-name.example.com:8443" },
    addressPrefix: "mirror/assets-for-the-console",
    passQueryString: true,
  });
  await page.setViewportSize(PHONE);
  await page.goto(`/buckets/${bucket}/configuration`);
  const rules = page.getByRole("table", { name: "Mirror back-to-origin rules" });
  await expect(rules).toContainText("static.an-origin-with-a-long-name.example.com");
  await expectWholeWords(rules, "the rules table at 390 px");
  await expectNoSidewaysScroll(page, "the rules page");

  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("documents/quarterly-reports_2026");
  await form.field("Origin domain").fill("files.an-origin-with-a-long-name.example.com");
  await form.field("Address prefix").fill("archive/from-the-old-server");
  await expect(form.preview("Back-to-origin address")).toContainText("http://files.an-origin-with-a-long-name.example.com/archive/from-the-old-server");
  await expectWholeWords(page.getByRole("complementary", { name: "Preview" }), "the rule preview at 390 px");
  await expectNoSidewaysScroll(page, "the rule form");
});

test("the preview marks every part a save would refuse, and hosts refused unless the server allows them", async ({ page, api }) => {
  const bucket = await api.createBucket("wording-preview");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  const preview = page.getByRole("complementary", { name: "Preview" });
  const problems = preview.getByRole("group", { name: "Not valid yet" });
  const check = preview.getByRole("button", { name: "Check the origin now" });
  await form.field("Origin domain").fill("www.example.com");

  // A prefix condition ending in "/": no address is shown as if the rule could run.
  await form.field("Filename prefix").fill("abc/");
  await expect(problems).toContainText("The prefix condition cannot end with /.");
  await expect(form.preview("Back-to-origin address")).toHaveText("Not shown: a save would refuse the prefix condition.");
  await expect(preview).not.toContainText("http://www.example.com/abc/myobject.docx");
  await expect(check).toBeDisabled();
  await form.field("Filename prefix").fill("abc");
  await expect(problems).toHaveCount(0);
  await expect(form.preview("Back-to-origin address")).toHaveText("http://www.example.com/abc/myobject.docx");
  await expect(check).toBeEnabled();

  // A header name with a space is listed, and not said to be sent.
  await page.getByRole("button", { name: "Add a header" }).click();
  await form.field("Header 1 name").fill("bad name");
  await form.field("Header 1 value").fill("1");
  await expect(problems).toContainText("Use letters, digits and - in a header name.");
  await expect(form.preview("Headers")).toHaveText("No request headers.");
  await expect(check).toBeDisabled();
  await page.getByRole("button", { name: "Remove header 1" }).click();
  await expect(problems).toHaveCount(0);

  // Private, loopback and metadata hosts: the server refuses them unless its ORIGIN_ALLOWLIST names
  // them, which only the server knows. Marked, not blocked: the server's answer decides.
  const cautions = preview.getByRole("group", { name: "Refused unless allowed" });
  const refusedHosts: [host: string, reason: string][] = [
    ["10.0.0.1", "10.0.0.1 is a private address"],
    ["localhost", "localhost is a loopback name"],
    ["169.254.169.254", "169.254.169.254 is a link-local (cloud metadata) address"],
  ];
  for (const [host, reason] of refusedHosts) {
    await form.field("Origin domain").fill(host);
    await expect(cautions).toContainText(`${reason}: a save refuses it unless the server's ORIGIN_ALLOWLIST setting names it.`);
  }
  await expect(check).toBeEnabled();
  await check.click();
  // This server's ORIGIN_ALLOWLIST names 127.0.0.1 only (playwright.config.ts).
  await expect(page.getByRole("group", { name: "Origin check result" })).toContainText("169.254.169.254 is a link-local (cloud metadata) address; origins must be public unless the ORIGIN_ALLOWLIST setting");

  // 127.0.0.1 is marked too, and saving it works, because this server's allowlist names it.
  await form.field("Origin domain").fill("127.0.0.1:9");
  await expect(cautions).toContainText("127.0.0.1 is a loopback address");
  await form.confirm();
  await form.expectSavedTo(bucket);
});

test("conflicts name every overlapping rule: the import preview and the API number them from 1, the form says either of them", async ({ page, api }) => {
  const bucket = await api.createBucket("wording-conflicts");
  const configuration = {
    bucketMirroringConfiguration: [
      { resource: "a/x*", sourceUrl: "http://x.example.com" },
      { resource: "a/y*", sourceUrl: "http://y.example.com" },
      { resource: "a*", sourceUrl: "http://a.example.com" },
    ],
  };
  const message = 'Rule 3 (prefix "a") overlaps rule 1 (prefix "a/x") and rule 2 (prefix "a/y"): a key could match rule 3 and either of them.';

  await page.goto(`/buckets/${bucket}/configuration`);
  await page.getByRole("button", { name: "Import BOS JSON" }).click();
  const dialog = page.getByRole("dialog", { name: "Import rules from BOS JSON" });
  await dialog.getByLabel("Or paste it here").fill(JSON.stringify(configuration));
  await expect(dialog).toContainText(message);
  await expect(dialog.getByRole("button", { name: "Replace the rules" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  const response = await page.context().request.put(`/api/buckets/${bucket}/mirroring/bos-json`, { data: configuration, headers: SAME_ORIGIN });
  expect(response.status()).toBe(409);
  const error = await response.json();
  expect(error.message).toBe(message);
  expect(error.fieldErrors.conditionPrefix).toEqual([message]);

  await api.createRule(bucket, { conditionPrefix: "a/x" });
  await api.createRule(bucket, { conditionPrefix: "a/y" });
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("a");
  await expect(form.preview("Conflicts")).toContainText(
    'Overlaps Rule #1 (prefix "a/x") and Rule #2 (prefix "a/y"): a key could match this rule and either of them. Change the condition.',
  );
});

test("a backup origin switched to a bucket and back to a URL takes the primary's protocol again", async ({ page, api }) => {
  await api.createBucket("wording-backup-src");
  const bucket = await api.createBucket("wording-backup");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Origin protocol").selectOption("https");
  await form.field("Origin domain").fill("www.example.com");
  await form.checkbox("Use a backup origin").check();
  await expect(form.field("Backup origin protocol")).toHaveValue("https");
  await form.radio("Private bucket of this deployment").last().check();
  await expect(form.field("Backup origin bucket")).toBeVisible();
  await form.radio("Third-party URL").last().check();
  await expect(form.field("Backup origin protocol")).toHaveValue("https");
});
