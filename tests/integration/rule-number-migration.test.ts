/** The migration that numbers existing rules within their bucket, on a database with rules in it. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";

const MIGRATIONS = path.resolve("prisma/migrations");
const NUMBERING = "20261127130000_rule_numbers_and_enabled";

it("numbers existing rules 1, 2, 3… per bucket in creation order and renames their audit targets", () => {
  const sqlite = new Database(":memory:");
  const folders = readdirSync(MIGRATIONS).filter((name) => /^\d{14}_/.test(name)).sort();
  const apply = (folder: string) => sqlite.exec(readFileSync(path.join(MIGRATIONS, folder, "migration.sql"), "utf8"));
  for (const folder of folders.slice(0, folders.indexOf(NUMBERING))) apply(folder);

  const bucket = sqlite.prepare(`INSERT INTO "Bucket" ("name", "zoneType", "defaultStorageClass") VALUES (?, 'SINGLE_AZ', 'STANDARD')`);
  const rule = sqlite.prepare(
    `INSERT INTO "MirrorRule" ("id", "bucketId", "mode", "origin", "storageClass", "headers", "updatedAt") VALUES (?, ?, 'fetch', '{}', 'STANDARD', '{}', 0)`,
  );
  const audit = sqlite.prepare(`INSERT INTO "AuditEvent" ("actor", "action", "bucket", "target", "requestId") VALUES ('system', ?, ?, ?, 'r')`);
  const a = Number(bucket.run("alpha").lastInsertRowid);
  const b = Number(bucket.run("beta").lastInsertRowid);
  bucket.run("empty");
  rule.run(3, a);
  rule.run(5, b);
  rule.run(6, a);
  rule.run(9, b);
  audit.run("rule.create", "alpha", "6");
  audit.run("rule.delete", "alpha", "4");
  audit.run("bucket.acl", "beta", null);
  const activity = sqlite.prepare(`INSERT INTO "MirrorActivity" ("bucketId", "ruleId", "resolution", "periodStart", "pulled") VALUES (?, ?, 'minute', 0, ?)`);
  activity.run(a, 6, 60); // rule 6 becomes #2 …
  activity.run(a, 2, 20); // … while 2 was a deleted rule's id: dropped, not taken for #2
  activity.run(a, 3, 30);
  activity.run(a, 0, 1); // no rule (FetchObject)
  const event = sqlite.prepare(`INSERT INTO "MirrorEvent" ("bucketId", "ruleId", "key", "outcome", "source", "bytes", "durationMs", "at") VALUES (?, ?, 'k', 'pulled', 'get', 0, 0, 0)`);
  event.run(b, 9);
  event.run(b, 4);
  event.run(b, null);

  apply(NUMBERING);
  for (const folder of folders.slice(folders.indexOf(NUMBERING) + 1)) apply(folder);

  const numbers = sqlite.prepare(`SELECT "id", "number", "enabled" FROM "MirrorRule" ORDER BY "id"`).all();
  expect(numbers).toEqual([
    { id: 3, number: 1, enabled: 1 },
    { id: 5, number: 1, enabled: 1 },
    { id: 6, number: 2, enabled: 1 },
    { id: 9, number: 2, enabled: 1 },
  ]);
  expect(sqlite.prepare(`SELECT "name", "lastRuleNumber" FROM "Bucket" ORDER BY "name"`).all()).toEqual([
    { name: "alpha", lastRuleNumber: 2 },
    { name: "beta", lastRuleNumber: 2 },
    { name: "empty", lastRuleNumber: 0 },
  ]);
  // A rule that still exists is named by its number; a deleted one keeps what it was recorded with.
  expect(sqlite.prepare(`SELECT "action", "target" FROM "AuditEvent" ORDER BY "id"`).all()).toEqual([
    { action: "rule.create", target: "2" },
    { action: "rule.delete", target: "4" },
    { action: "bucket.acl", target: null },
  ]);
  expect(sqlite.prepare(`SELECT "ruleId", "pulled" FROM "MirrorActivity" ORDER BY "ruleId"`).all()).toEqual([
    { ruleId: 0, pulled: 1 },
    { ruleId: 1, pulled: 30 },
    { ruleId: 2, pulled: 60 },
  ]);
  expect(sqlite.prepare(`SELECT "ruleId" FROM "MirrorEvent" ORDER BY "id"`).all()).toEqual([{ ruleId: 2 }, { ruleId: null }]);
  // One number per rule in a bucket (the default 0 only until the rule service assigns one).
  rule.run(10, a);
  expect(() => rule.run(11, a)).toThrow(/UNIQUE/);
  sqlite.close();
});
