/**
 * npm run fsck [-- --repair] [-- --stale-temp-minutes=60]
 *
 * The full consistency check of DATA_DIR (lib/objects/consistency-check.ts): rows whose blob is
 * missing, blobs no row points at, temporary files no write will finish. Start-up no longer does
 * this (it only resolves the write journal). Reports by default; --repair deletes those rows,
 * blobs and files. Safe while the server runs (deleted rows may stay in that server's metadata
 * cache until it restarts; reads of them fail as they would have anyway).
 * Exit status: 0 when storage is consistent or was repaired, 1 when problems remain.
 */
import { performance } from "node:perf_hooks";
import { createPrismaClient } from "@/lib/db/create-client";
import { applyMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { checkConsistency, type CheckReport } from "@/lib/objects/consistency-check";
import { PrismaObjectRepository } from "@/lib/objects/object-repository";
import { createBlobStore } from "@/lib/runtime/create-blob-store";

const repair = process.argv.includes("--repair");
const staleMinutes = Number(process.argv.find((arg) => arg.startsWith("--stale-temp-minutes="))?.split("=")[1] ?? 60);
const SHOWN = 10;

function section(label: string, names: string[], action: string): string {
  const shown = names.slice(0, SHOWN).map((name) => `\n      ${name}`).join("");
  const more = names.length > SHOWN ? `\n      … and ${names.length - SHOWN} more` : "";
  return `  ${label.padEnd(24)} ${String(names.length).padStart(9)}${names.length > 0 && repair ? `  (${action})` : ""}${shown}${more}`;
}

function print(report: CheckReport, seconds: number): void {
  console.log(`Checked ${report.rowsChecked.toLocaleString("en")} rows and ${report.blobsChecked.toLocaleString("en")} blobs in ${seconds.toFixed(1)} s.`);
  console.log(section("rows without a blob", report.rowsWithoutBlob, "deleted"));
  console.log(section("blobs without a row", report.blobsWithoutRow, "removed"));
  console.log(section("stray temporary files", report.strayTemps, "removed"));
  console.log(`  ${"temporary files in use".padEnd(24)} ${String(report.tempsInProgress).padStart(9)}  (written in the last ${staleMinutes} min: left alone)`);
  const oldest = report.oldestPendingWrite ? `, oldest ${report.oldestPendingWrite.toISOString()}` : "";
  console.log(`  ${"writes in progress".padEnd(24)} ${String(report.pendingWrites).padStart(9)}  (write journal${oldest}; resolved at the next start)`);
}

const config = env();
await applyMigrations();
const db = createPrismaClient(config.database);
const blobs = createBlobStore(config);
try {
  const repository = new PrismaObjectRepository(() => db);
  const started = performance.now();
  const report = await checkConsistency(
    { blobs, rows: repository, journal: repository },
    {
      repair,
      staleTempMs: staleMinutes * 60_000,
      onPrefix: (prefix) => {
        if (process.stderr.isTTY) process.stderr.write(`\r  checking blob names ${prefix}…`);
      },
    },
  );
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  print(report, (performance.now() - started) / 1000);
  const problems = report.rowsWithoutBlob.length + report.blobsWithoutRow.length + report.strayTemps.length;
  if (problems > 0 && !repair) console.log("Run `npm run fsck -- --repair` to delete these rows and remove these files.");
  process.exitCode = problems > 0 && !repair ? 1 : 0;
} finally {
  await db.$disconnect();
  await blobs.close();
}
