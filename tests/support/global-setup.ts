/**
 * Migrates one template database for the whole run; each test file copies it
 * (tests/support/worker-database.ts): a SQLite file, or a PostgreSQL template database
 * (tests/support/test-databases.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabase, dropDatabase, uniqueDatabaseName } from "./test-databases";

declare module "vitest" {
  export interface ProvidedContext {
    /** SQLite: the template file's path. PostgreSQL: the template database's name. */
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bos-mirror-template-"));
  process.env.DATA_DIR = dir;
  // This runs in vitest's main process: the project's env (vitest.config.ts) is not in process.env here.
  const postgres = project.config.env?.TEST_DATABASE === "postgresql" ? String(project.config.env.TEST_POSTGRES_URL) : null;
  let template: string;
  if (postgres) {
    template = uniqueDatabaseName("bos_mirror_template");
    process.env.DATABASE_URL = await createDatabase(postgres, template);
  } else {
    template = path.join(dir, "template.db");
    process.env.DATABASE_URL = `file:${template}`;
  }
  const { applyMigrations } = await import("@/lib/db/migrate");
  await applyMigrations();
  project.provide("templateDatabase", template);
  return async () => {
    if (postgres) await dropDatabase(postgres, template);
    await rm(dir, { recursive: true, force: true });
  };
}
