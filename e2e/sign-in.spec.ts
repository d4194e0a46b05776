/** The sign-in form itself, sign-out, and the redirect back to where the user was going. */
import { expect, test } from "@playwright/test";
import { ADMIN } from "./fixtures";

test("redirects to sign-in and back, refuses a wrong password, and signs out", async ({ page }) => {
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

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/buckets/anything/configuration");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fbuckets%2Fanything%2Fconfiguration$/);
});

test("a forged session cookie is sent to sign-in", async ({ page, context }) => {
  await context.addCookies([{ name: "bos_session", value: "forged", url: "http://127.0.0.1:3210" }]);
  await page.goto("/buckets");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fbuckets$/);
});
