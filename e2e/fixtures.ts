/**
 * Test fixtures: `api` creates buckets and rules through the management API (fast, no UI),
 * and deletes every bucket it made when the test ends.
 */
import { test as base, expect, type APIRequestContext } from "@playwright/test";

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
    const response = await this.request.post("/api/buckets", { data: { name, zoneType, defaultStorageClass } });
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
      data: { origin: { type: "url", protocol: "http", host: "www.myweb.com" }, storageClass: "STANDARD", ...rule },
    });
    expect(response.status(), await response.text()).toBe(201);
    return response.json();
  }

  async cleanup(): Promise<void> {
    // Newest first: a bucket that another bucket's rule reads from is deleted after that bucket.
    for (const name of this.created.reverse()) await this.request.delete(`/api/buckets/${name}`);
  }
}

export const test = base.extend<{ api: ConsoleApi }>({
  api: async ({ request }, provide) => {
    const api = new ConsoleApi(request);
    await provide(api);
    await api.cleanup();
  },
});

export { expect };
