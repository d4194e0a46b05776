/** The sign-in form itself, sign-out, and the redirect back to where the user was going. */
import { expect, test } from "@playwright/test";
import { ADMIN, BASE_URL } from "./fixtures";

test("redirects to sign-in and back, refuses a wrong password, manages a rule, and signs out", async ({ page }) => {
  await page.goto("/buckets");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fbuckets$/);

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "wrong" })).toHaveText("The email or password is wrong.");

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/buckets$/);
  await expect(page.getByRole("heading", { name: "Buckets", exact: true })).toBeVisible();
  await expect(page.getByText(ADMIN.email)).toBeVisible();

  const bucket = `signin-${Date.now().toString(36)}`;
  await page.getByLabel("Bucket name").fill(bucket);
  await page.getByRole("button", { name: "Create bucket" }).click();
  await page.getByRole("link", { name: "Add configuration" }).click();
  await page.getByLabel("Filename prefix").fill("abc");
  await page.getByLabel("Origin domain", { exact: true }).fill("www.myweb.com");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("cell", { name: 'Prefix "abc" (on 404)' })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/buckets/anything/configuration");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fbuckets%2Fanything%2Fconfiguration$/);
});

test("a forged session cookie is sent to sign-in", async ({ page, context }) => {
  await context.addCookies([{ name: "bos_session", value: "forged", url: BASE_URL }]);
  await page.goto("/buckets");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fbuckets$/);
});
