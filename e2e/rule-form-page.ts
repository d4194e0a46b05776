/** The mirror rule form, located by role and label as a user would find things. */
import { expect, type Page } from "@playwright/test";

export class RuleFormPage {
  constructor(private readonly page: Page) {}

  async openNew(bucket: string): Promise<void> {
    await this.page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
    await expect(this.page.getByRole("heading", { name: "Add mirror back-to-origin configuration" })).toBeVisible();
  }

  field(label: string) {
    return this.page.getByLabel(label, { exact: true });
  }

  radio(name: string) {
    return this.page.getByRole("radio", { name: new RegExp(`^${name}`) });
  }

  checkbox(name: string) {
    return this.page.getByRole("checkbox", { name: new RegExp(`^${name}`) });
  }

  /** A value in the preview panel, by its caption. */
  preview(caption: string) {
    return this.page.getByRole("complementary", { name: "Preview" }).getByLabel(caption, { exact: true });
  }

  async setSample(key: string, query = ""): Promise<void> {
    await this.field("Sample requested key").fill(key);
    await this.field("Sample query string").fill(query);
  }

  async confirm(): Promise<void> {
    await this.page.getByRole("button", { name: "Confirm" }).click();
  }

  async expectSavedTo(bucket: string): Promise<void> {
    await expect(this.page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
    await expect(this.page.getByRole("table", { name: "Mirror back-to-origin rules" })).toBeVisible();
  }
}
