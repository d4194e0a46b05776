/**
 * Test fixtures: every page starts signed in (through the API, not the form: one spec tests the
 * form itself), and `api` creates buckets and rules through the management API (fast, no UI),
 * deleting every bucket it made when the test ends.
 */
import { test as base, expect, type APIRequestContext } from "@playwright/test";

export const ADMIN = { email: "e2e-admin@example.com", password: "e2e-admin-password-1" };
export const BASE_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 3210}`;
/** State-changing API calls must come from the console's own origin. */
const SAME_ORIGIN = { origin: BASE_URL };

export interface RuleBody {
  [field: string]: unknown;
}

export class ConsoleApi {
  private readonly created: string[] = [];

  constructor(private readonly request: APIRequestContext) {}

  /** A bucket name unique to this run and test, within BOS's 63-character limit. */
  uniqueName(label: string): string {
    return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.slice(0, 63);
  }

  async createBucket(label: string, zoneType = "SINGLE_AZ", defaultStorageClass = "STANDARD"): Promise<string> {
    const name = this.uniqueName(label);
    const response = await this.request.post("/api/buckets", { data: { name, zoneType, defaultStorageClass }, headers: SAME_ORIGIN });
    expect(response.status(), await response.text()).toBe(201);
    this.created.push(name);
    return name;
  }

  /** Registers a bucket the test created through the UI, so it is cleaned up too. */
  track(name: string): void {
    this.created.push(name);
  }

  async createRule(bucket: string, rule: RuleBody): Promise<{ id: number; version: number }> {
    const response = await this.request.post(`/api/buckets/${bucket}/mirroring/rules`, {
      headers: SAME_ORIGIN,
      data: { origin: { type: "url", protocol: "http", host: "www.myweb.com" }, storageClass: "STANDARD", ...rule },
    });
    expect(response.status(), await response.text()).toBe(201);
    return response.json();
  }

  async setAcl(bucket: string, acl: "private" | "public-read"): Promise<void> {
    const response = await this.request.patch(`/api/buckets/${bucket}`, { headers: SAME_ORIGIN, data: { acl } });
    expect(response.status(), await response.text()).toBe(200);
  }

  async setRuleEnabled(bucket: string, id: number, enabled: boolean): Promise<void> {
    const response = await this.request.patch(`/api/buckets/${bucket}/mirroring/rules/${id}`, { headers: SAME_ORIGIN, data: { enabled } });
    expect(response.status(), await response.text()).toBe(200);
  }

  async cleanup(): Promise<void> {
    // Newest first: a bucket that another bucket's rule reads from is deleted after that bucket.
    for (const name of this.created.reverse()) await this.request.delete(`/api/buckets/${name}`, { headers: SAME_ORIGIN });
  }
}

export const test = base.extend<{ api: ConsoleApi }>({
  page: async ({ page }, provide) => {
    const response = await page.context().request.post("/api/auth/login", { data: ADMIN, headers: SAME_ORIGIN });
    expect(response.status(), await response.text()).toBe(200);
    await provide(page);
  },
  // The page's own request context: it shares the signed-in session cookie.
  api: async ({ page }, provide) => {
    const api = new ConsoleApi(page.context().request);
    await provide(api);
    await api.cleanup();
  },
});

export { expect };
