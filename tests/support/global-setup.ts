/** Migrates one template SQLite database for the whole run; each test file copies it. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bos-mirror-template-"));
  const templateDatabase = path.join(dir, "template.db");
  process.env.DATA_DIR = dir;
  process.env.DATABASE_URL = `file:${templateDatabase}`;
  const { applyMigrations } = await import("@/lib/db/migrate");
  await applyMigrations();
  project.provide("templateDatabase", templateDatabase);
  return async () => rm(dir, { recursive: true, force: true });
}
