/** The seed's worked cases, entered through the form; the live preview must show the seed's address. */
import { expect, test } from "./fixtures";
import { RuleFormPage } from "./rule-form-page";

test("creates a bucket through the form", async ({ page, api }) => {
  const name = api.uniqueName("created");
  api.track(name);
  await page.goto("/buckets");
  await page.getByLabel("Bucket name").fill("Bad_Name");
  await page.getByRole("button", { name: "Create bucket" }).click();
  await expect(page.getByText("Use lowercase letters, digits and hyphens only")).toBeVisible();

  await page.getByLabel("Bucket name").fill(name);
  await page.getByLabel("Zone type").selectOption({ label: "Multi-AZ" });
  await expect(page.getByLabel("Default storage class")).toHaveValue("MAZ_STANDARD");
  await page.getByRole("button", { name: "Create bucket" }).click();
  await expect(page).toHaveURL(new RegExp(`/buckets/${name}/configuration$`));
  await expect(page.getByText("No mirror back-to-origin rules yet.")).toBeVisible();
  await page.getByRole("link", { name: "Buckets", exact: true }).first().click();
  await expect(page.getByRole("link", { name })).toBeVisible();
});

test("case 1: prefix abc", async ({ page, api }) => {
  const bucket = await api.createBucket("case1");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("abc");
  await form.field("Origin domain").fill("www.myweb.com");
  await expect(form.field("Sample requested key")).toHaveValue("abc/myobject.docx");
  await expect(form.preview("Back-to-origin address")).toHaveText("http://www.myweb.com/abc/myobject.docx");
  await expect(form.preview("Stored as")).toHaveText("abc/myobject.docx");
  await form.confirm();
  await form.expectSavedTo(bucket);
  await expect(page.getByRole("cell", { name: 'Prefix "abc" (on 404)' })).toBeVisible();
});

test("case 2: prefix abc/aa", async ({ page, api }) => {
  const bucket = await api.createBucket("case2");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("abc/aa");
  await form.field("Origin domain").fill("www.myweb.com");
  await expect(form.preview("Back-to-origin address")).toHaveText("http://www.myweb.com/abc/aa/myobject.docx");
  await form.confirm();
  await form.expectSavedTo(bucket);
});

test("case 3: replace abc with tihuan/edf, suffix .doc", async ({ page, api }) => {
  const bucket = await api.createBucket("case3");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("abc");
  await form.radio("Replace prefix").check();
  await form.field("Replace prefix with").fill("tihuan/edf");
  await form.field("Origin protocol").selectOption("http");
  await form.field("Origin domain").fill("www.myweb.com");
  await form.field("Address suffix").fill(".doc");
  await expect(form.preview("Back-to-origin address")).toHaveText("http://www.myweb.com/tihuan/edf/myobject.doc");
  await expect(form.preview("Stored as")).toHaveText("abc/myobject.docx");
  await form.confirm();
  await form.expectSavedTo(bucket);
});

test("case 4: crop abc/aa, address prefix qianzhui/", async ({ page, api }) => {
  const bucket = await api.createBucket("case4");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("abc/aa");
  await form.radio("Crop prefix").check();
  await form.field("Origin domain").fill("www.myweb.com");
  await form.field("Address prefix").fill("qianzhui/");
  await expect(form.preview("Back-to-origin address")).toHaveText("http://www.myweb.com/qianzhui/myobject.docx");
  await form.confirm();
  await form.expectSavedTo(bucket);
});

test("process 1: every key from https://myweb.com/myobject", async ({ page, api }) => {
  const bucket = await api.createBucket("process1");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.radio("Replace prefix").check();
  await form.field("Replace prefix with").fill("myobject");
  await form.field("Origin protocol").selectOption("https");
  await form.field("Origin domain").fill("myweb.com");
  await form.setSample("a/b.png");
  await expect(form.preview("Back-to-origin address")).toHaveText("https://myweb.com/myobject/a/b.png");
  await form.confirm();
  await form.expectSavedTo(bucket);
  // A rule for every key must be the only one: adding another is disabled, with the reason.
  await expect(page.getByRole("button", { name: "Add configuration" })).toBeDisabled();
  await expect(page.getByText("A rule for every key exists")).toBeVisible();
});

test("process 2: backup origin", async ({ page, api }) => {
  const bucket = await api.createBucket("process2");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("examplefolder");
  await form.radio("Replace prefix").check();
  await form.field("Replace prefix with").fill("myobject");
  await form.field("Origin protocol").selectOption("https");
  await form.field("Origin domain").fill("myweb.com");
  await form.checkbox("Use a backup origin").check();
  await form.field("Backup origin protocol").selectOption("https");
  await form.field("Backup origin domain").fill("backup.com");
  await form.setSample("examplefolder/x.docx");
  await expect(form.preview("Back-to-origin address")).toHaveText("https://myweb.com/myobject/x.docx");
  await expect(form.preview("Backup address")).toHaveText("https://backup.com/myobject/x.docx");
  await form.confirm();
  await form.expectSavedTo(bucket);
  await expect(page.getByRole("cell", { name: "https://backup.com" })).toBeVisible();
});

test("process 3: private bucket origin with query string and headers", async ({ page, api }) => {
  const bucketB = await api.createBucket("bucket-b");
  const bucketA = await api.createBucket("bucket-a");
  const form = new RuleFormPage(page);
  await form.openNew(bucketA);
  await form.field("Filename prefix").fill("folderA");
  await form.radio("Private bucket of this deployment").check();
  await form.field("Origin bucket").selectOption(bucketB);
  await expect(page.getByText(`Read directly from bucket ${bucketB}`)).toBeVisible();
  await expect(form.field("Origin protocol")).toHaveCount(0);
  await form.radio("Replace prefix").check();
  await form.field("Replace prefix with").fill("folderB");
  await form.checkbox("Pass the query string").check();
  await form.radio("Only these").check();
  await form.field("Headers to pass").fill("header1, header2");
  await form.setSample("folderA/example.docx", "source=web");
  await expect(form.preview("Back-to-origin address")).toHaveText(`bos://${bucketB}/folderB/example.docx?source=web`);
  await expect(form.preview("Stored as")).toHaveText("folderA/example.docx");
  await expect(form.preview("Query string")).toHaveText("Sent: ?source=web");
  await expect(form.preview("Headers")).toHaveText("Request headers header1, header2 when present.");
  await form.confirm();
  await form.expectSavedTo(bucketA);
  await expect(page.getByRole("cell", { name: `Bucket ${bucketB} (read directly)` })).toBeVisible();
});
