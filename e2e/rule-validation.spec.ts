/** Each validation error, as the user sees it in the form. */
import { MAX_RULES_PER_BUCKET } from "@/lib/mirroring/limits";
import { expect, test } from "./fixtures";
import { RuleFormPage } from "./rule-form-page";

test("a prefix condition ending in /", async ({ page, api }) => {
  const bucket = await api.createBucket("slash");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("abc/");
  await form.field("Origin domain").fill("www.myweb.com");
  await form.confirm();
  await expect(form.field("Filename prefix")).toHaveAccessibleDescription(/The prefix condition cannot end with \//);
  await expect(page).toHaveURL(/mirroring\/new$/);
});

test("a rule that conflicts with another, named in the form and the preview", async ({ page, api }) => {
  const bucket = await api.createBucket("conflict");
  const { id } = await api.createRule(bucket, { conditionPrefix: "abc" });
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Filename prefix").fill("abc/aa");
  await form.field("Origin domain").fill("www.myweb.com");
  await expect(form.preview("Conflicts")).toContainText(`Overlaps Rule #${id} (prefix "abc")`);
  await form.confirm();
  await expect(form.field("Filename prefix")).toHaveAccessibleDescription(new RegExp(`overlaps Rule #${id}`));
});

test(`the ${MAX_RULES_PER_BUCKET + 1}st rule`, async ({ page, api }) => {
  const bucket = await api.createBucket("full");
  for (let i = 0; i < MAX_RULES_PER_BUCKET; i++) await api.createRule(bucket, { conditionPrefix: `p${String(i).padStart(2, "0")}` });
  await page.goto(`/buckets/${bucket}/configuration`);
  const add = page.getByRole("button", { name: "Add configuration" });
  await expect(add).toBeDisabled();
  await expect(add).toHaveAccessibleDescription(`This bucket already has ${MAX_RULES_PER_BUCKET} rules, the most allowed. Delete one to add another.`);
  // Going to the form's address directly says the same.
  await page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
  await expect(page.getByRole("alert").filter({ hasText: "Delete one to add another" })).toContainText(`already has ${MAX_RULES_PER_BUCKET} rules`);
});

test("a forbidden header", async ({ page, api }) => {
  const bucket = await api.createBucket("header");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Origin domain").fill("www.myweb.com");
  await form.radio("Only these").check();
  await form.field("Headers to pass").fill("header1, Authorization");
  await page.getByRole("button", { name: "Add a header" }).click();
  await form.field("Header 1 name").fill("x-bce-acl");
  await form.field("Header 1 value").fill("public-read");
  await form.confirm();
  await expect(form.field("Headers to pass")).toHaveAccessibleDescription(/Authorization is managed by the service/);
  await expect(form.field("Header 1 name")).toHaveAccessibleDescription(/x-bce-acl: x-bce-\* headers belong to the service/);
});

test("an invalid origin host and a mode-only field", async ({ page, api }) => {
  const bucket = await api.createBucket("host");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Origin domain").fill("https://www.myweb.com/path");
  await form.confirm();
  await expect(form.field("Origin domain")).toHaveAccessibleDescription(/without http:\/\/ or https:\/\//);
  await expect(form.checkbox("Fixed filename")).toBeDisabled();
  await expect(page.getByText("A fixed filename is available in Redirection mode only.")).toBeVisible();
  await form.radio("Redirection").check();
  await expect(form.checkbox("Use a backup origin")).toBeDisabled();
  await form.checkbox("Fixed filename").check();
  await form.field("Fixed filename path").fill("errors/404.html");
  await form.field("Origin domain").fill("www.myweb.com");
  await expect(form.preview("Redirects to")).toHaveText("http://www.myweb.com/errors/404.html");
});
