/**
 * Listing and start-up against a large bucket (issue 8, section 4). Seeds N objects (default
 * 1,000,000) under one folder of one bucket straight into a fresh database, starts the
 * object API as the tests do (tests/support/object-server-main.ts: same start-up as the app, no
 * Next), and prints median times. Nothing here asserts; targets are printed beside the figures.
 *
 *   npm run bench:listing [-- --objects=100000] [-- --blobs]
 *   npm run bench:listing:postgres [-- …]   (the same on PostgreSQL: scripts/with-postgres.sh starts a
 *                                            server; any PostgreSQL DATABASE_URL in the environment
 *                                            works too: two databases are created on it and dropped)
 *
 * Listing needs no blob files. --blobs also writes an empty file per row, which a start-up or a
 * consistency check that scans the blob directory needs to find (without them a scan would count
 * every row as lost), and then also times `npm run fsck` (report only) over them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import pg from "pg";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startServerProcess, type ServerProcess } from "@/tests/support/server-process";
import { createDatabase, dropDatabase, uniqueDatabaseName } from "@/tests/support/test-databases";

const argument = (name: string) => process.argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const objectCount = Number(argument("objects")?.split("=")[1] ?? 1_000_000);
const withBlobs = argument("blobs") !== undefined;
const FOLDER = "folder/";
const ROOT_KEYS = ["a.txt", "m.txt", "z.txt"];
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };

const work = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-listing-bench-"));
const dataDir = path.join(work, "data");
const emptyDir = path.join(work, "empty");
/** A PostgreSQL server to bench on (its own database is left alone), or null for SQLite files. */
const postgresServer = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL! : null;
/** Each data directory's database URL (PostgreSQL: a database made for it). */
const databases = new Map<string, { url: string; name: string | null }>();
const databaseOf = (dir: string) => databases.get(dir)!;
const serverEnv = (dir: string) => ({
  NODE_ENV: "production" as const,
  DATA_DIR: dir,
  DATABASE_URL: databaseOf(dir).url,
  ROOT_ACCESS_KEY: credentials.accessKeyId,
  ROOT_SECRET_KEY: credentials.secretKey,
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value < 100 ? value.toFixed(1) : Math.round(value)} ms`;

/** Runs `once` until `runs` samples or `budgetMs` have passed (at least 3), after one warm-up. */
async function sample(once: () => Promise<void>, runs = 31, budgetMs = 30_000): Promise<{ median: number; min: number; runs: number }> {
  await once();
  const times: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (times.length < runs && (times.length < 3 || performance.now() < deadline)) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  return { median: median(times), min: Math.min(...times), runs: times.length };
}

async function migrate(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (postgresServer) {
    const name = uniqueDatabaseName(`bench_listing_${path.basename(dir)}`);
    databases.set(dir, { url: await createDatabase(postgresServer, name), name });
  } else {
    databases.set(dir, { url: `file:${path.join(dir, "app.db")}`, name: null });
  }
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
    env: { ...process.env, ...serverEnv(dir) },
    stdio: "ignore",
  });
}

/** The same rows on PostgreSQL, in one transaction (generate_series), then ANALYZE as autovacuum would. */
async function seedPostgres(dir: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseOf(dir).url });
  await client.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ id: number }>(`INSERT INTO "Bucket" (name, "zoneType", "defaultStorageClass") VALUES ('bench', 'SINGLE_AZ', 'STANDARD') RETURNING id`);
    const blobName = `md5(random()::text) || md5(random()::text) || '.' || substr(md5(random()::text), 1, 12)`;
    await client.query(
      `INSERT INTO "StoredObject" ("bucketId", key, size, etag, "storageClass", "httpMeta", "userMeta", "blobName", "lastModified")
       SELECT $1, $2 || lpad(i::text, 7, '0'), 0, 'd41d8cd98f00b204e9800998ecf8427e', 'STANDARD', '{}', '{}', ${blobName}, now()
       FROM generate_series(0, $3 - 1) AS i`,
      [rows[0]!.id, FOLDER, count],
    );
    for (const key of ROOT_KEYS) {
      await client.query(
        `INSERT INTO "StoredObject" ("bucketId", key, size, etag, "storageClass", "blobName", "lastModified") VALUES ($1, $2, 0, 'd41d8cd98f00b204e9800998ecf8427e', 'STANDARD', ${blobName}, now())`,
        [rows[0]!.id, key],
      );
    }
    await client.query("COMMIT");
    await client.query(`ANALYZE "StoredObject"`);
    if (withBlobs) writeBlobFiles(dir, (await client.query<{ blobName: string }>(`SELECT "blobName" FROM "StoredObject"`)).rows);
  } finally {
    await client.end();
  }
}

/** An empty file per row, where the disk blob store looks for it. */
function writeBlobFiles(dir: string, rows: Iterable<{ blobName: string }>): void {
  const blobDir = path.join(dir, "blobs");
  for (let shard = 0; shard < 256; shard++) mkdirSync(path.join(blobDir, shard.toString(16).padStart(2, "0")), { recursive: true });
  for (const { blobName } of rows) writeFileSync(path.join(blobDir, blobName.slice(0, 2), blobName), "");
}

async function countRowsPostgres(dir: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseOf(dir).url });
  await client.connect();
  try {
    return Number((await client.query<{ count: string }>(`SELECT count(*) AS count FROM "StoredObject"`)).rows[0]!.count);
  } finally {
    await client.end();
  }
}

/** One bucket, ROOT_KEYS at its root and `count` keys under FOLDER, in one transaction. */
function seed(dir: string, count: number): { bucketId: number } {
  const sqlite = new Database(path.join(dir, "app.db"));
  const now = new Date().toISOString().replace("Z", "+00:00");
  const bucketId = Number(
    sqlite.prepare(`INSERT INTO "Bucket" (name, zoneType, defaultStorageClass, createdAt) VALUES ('bench', 'SINGLE_AZ', 'STANDARD', ?)`).run(now).lastInsertRowid,
  );
  const insertRows = sqlite.prepare(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
    INSERT INTO "StoredObject" (bucketId, key, size, etag, storageClass, httpMeta, userMeta, blobName, lastModified)
    SELECT ?, ? || printf('%07d', i), 0, 'd41d8cd98f00b204e9800998ecf8427e', 'STANDARD', '{}', '{}',
           lower(hex(randomblob(32))) || '.' || lower(hex(randomblob(6))), ?
    FROM n`);
  const insertRoot = sqlite.prepare(`
    INSERT INTO "StoredObject" (bucketId, key, size, etag, storageClass, blobName, lastModified)
    VALUES (?, ?, 0, 'd41d8cd98f00b204e9800998ecf8427e', 'STANDARD', lower(hex(randomblob(32))) || '.' || lower(hex(randomblob(6))), ?)`);
  sqlite.transaction(() => {
    insertRows.run(count, bucketId, FOLDER, now);
    for (const key of ROOT_KEYS) insertRoot.run(bucketId, key, now);
  })();
  if (withBlobs) writeBlobFiles(dir, sqlite.prepare(`SELECT blobName FROM "StoredObject"`).iterate() as Iterable<{ blobName: string }>);
  sqlite.close();
  return { bucketId };
}

function countRows(dir: string): number {
  const sqlite = new Database(path.join(dir, "app.db"), { readonly: true });
  const { count } = sqlite.prepare(`SELECT count(*) AS count FROM "StoredObject"`).get() as { count: number };
  sqlite.close();
  return count;
}

async function timedStart(dir: string): Promise<{ server: ServerProcess; ms: number }> {
  const start = performance.now();
  const server = await startServerProcess(serverEnv(dir));
  return { server, ms: performance.now() - start };
}

async function get(server: ServerProcess, query: string, bucket = "bench"): Promise<{ contents: unknown[]; commonPrefixes: unknown[] }> {
  const response = await signedFetch(credentials, `${server.url}/v1/${bucket}?${query}`);
  if (response.status !== 200) throw new Error(`GET ?${query}: ${response.status} ${await response.text()}`);
  return response.json();
}

const rows: [string, string, string][] = [];
try {
  await migrate(emptyDir);
  await migrate(dataDir);
  let started = performance.now();
  if (postgresServer) await seedPostgres(dataDir, objectCount);
  else seed(dataDir, objectCount);
  console.log(`${postgresServer ? "PostgreSQL" : "SQLite"}: seeded ${objectCount.toLocaleString("en")} objects${withBlobs ? " and their (empty) blob files" : ""} in ${ms(performance.now() - started)}`);

  const empty = await timedStart(emptyDir);
  await empty.server.kill();
  const full = await timedStart(dataDir);
  rows.push(["start-up, empty database", ms(empty.ms), "(the baseline: loading the code)"]);
  rows.push([`start-up, ${objectCount.toLocaleString("en")} objects`, ms(full.ms), `independent of the number of objects (≤ baseline + 500 ms)`]);
  const left = postgresServer ? await countRowsPostgres(dataDir) : countRows(dataDir);
  if (left !== objectCount + ROOT_KEYS.length) {
    throw new Error(`start-up removed ${objectCount + ROOT_KEYS.length - left} rows (a scan that found no blob files): run with --blobs`);
  }

  const server = full.server;
  const root = await get(server, "delimiter=/");
  if (root.commonPrefixes.length !== 1 || root.contents.length !== ROOT_KEYS.length) throw new Error(`unexpected root listing ${JSON.stringify(root)}`);
  const middle = `${FOLDER}${String(Math.floor(objectCount / 2)).padStart(7, "0")}`;
  const inside = await get(server, `prefix=${FOLDER}&delimiter=/&marker=${middle}`);
  if (inside.contents.length !== Math.min(1000, objectCount - Math.floor(objectCount / 2) - 1)) throw new Error(`unexpected page of ${inside.contents.length} keys`);

  const figure = (time: { median: number; min: number; runs: number }) => `${ms(time.median)} (min ${ms(time.min)}, ${time.runs} runs)`;
  const created = await signedFetch(credentials, `${server.url}/v1/empty`, { method: "PUT" });
  if (created.status !== 200) throw new Error(`creating the empty bucket: ${created.status}`);
  rows.push(["GET /v1/empty?delimiter=/ (request overhead)", figure(await sample(async () => void (await get(server, "delimiter=/", "empty")))), "(the baseline: signing, auth, JSON)"]);
  rows.push(["GET /v1/bench?delimiter=/ (root, one folder)", figure(await sample(async () => void (await get(server, "delimiter=/")))), "≤ 20 ms"]);
  rows.push(["1,000-key page inside the folder (marker mid-way)", figure(await sample(async () => void (await get(server, `prefix=${FOLDER}&delimiter=/&marker=${middle}`)))), "≤ 50 ms"]);
  rows.push(["first 1,000-key page of the folder", figure(await sample(async () => void (await get(server, `prefix=${FOLDER}&delimiter=/`)))), "≤ 50 ms"]);
  await server.kill();

  if (withBlobs) {
    started = performance.now();
    const fsck = spawnSync(process.execPath, ["--import", "tsx", "scripts/fsck.ts"], { env: { ...process.env, ...serverEnv(dataDir) }, encoding: "utf8" });
    if (fsck.status !== 0) throw new Error(`fsck found problems (${fsck.status}):\n${fsck.stdout}${fsck.stderr}`);
    rows.push([`npm run fsck, ${objectCount.toLocaleString("en")} rows and blobs`, ms(performance.now() - started), "(a command, not start-up)"]);
  }
} finally {
  console.log(`\n${"measure".padEnd(52)} ${"median".padEnd(32)} target`);
  for (const [name, figure, target] of rows) console.log(`${name.padEnd(52)} ${figure.padEnd(32)} ${target}`);
  console.log(`load average ${os.loadavg().map((load) => load.toFixed(2)).join(" ")} on ${os.cpus().length} cores`);
  rmSync(work, { recursive: true, force: true });
  for (const { name } of databases.values()) if (postgresServer && name) await dropDatabase(postgresServer, name);
}
