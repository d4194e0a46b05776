/**
 * Import jobs as the management API offers them: start one (from a JSON key list, a streamed
 * text/plain list, or an origin listing), read and list jobs, pause, resume, cancel, retry the
 * failed keys, and page or download the failures. The runner (import-runner.ts) does the work;
 * this module changes rows and wakes it. Server only.
 */
import { seal } from "@/lib/auth/secret-box";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { ImportJobStateConflict, InvalidInput, NoSuchBucket, NoSuchImportJob } from "@/lib/domain/errors";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import { objectKeyProblem } from "@/lib/objects/object-key";
import { currentApp } from "@/lib/runtime/current-app";
import { FAILURES_CSV_HEADER, csvRow } from "./failures-csv";
import { toJobView, type ImportJobRow, type NewImportJob } from "./import-repository";
import {
  FAILURES_PAGE_SIZE,
  MAX_FAILURES_PAGE_SIZE,
  importLimitsSchema,
  type CreateImportRequest,
  type ImportFailuresPage,
  type ImportJobView,
  type ImportLimits,
  type ImportSourceView,
  type ImportState,
} from "./import-schema";
import { KeyListProblem, keyLines } from "./key-lines";
import { listingKeyProblem } from "./listing-key-mapping";

/** Jobs a listing shows, newest first. */
const LISTED_JOBS = 50;

const runner = () => currentApp().imports;
const repository = () => runner().repository;

async function requireBucket(name: string): Promise<{ id: number; name: string }> {
  const bucket = await findBucketRecord(name);
  if (!bucket) throw new NoSuchBucket(name);
  return bucket;
}

async function requireJob(bucketName: string, id: string): Promise<{ bucket: { id: number; name: string }; job: ImportJobRow }> {
  const bucket = await requireBucket(bucketName);
  const job = /^\d{1,15}$/.test(id) ? await repository().find(bucket.id, Number(id)) : null;
  if (!job) throw new NoSuchImportJob(bucketName, id);
  return { bucket, job };
}

function jobRow(bucketId: number, limits: ImportLimits, source: ImportSourceView, extra: Partial<NewImportJob> = {}): NewImportJob {
  return {
    bucketId,
    state: "queued",
    draft: false,
    source,
    secretSealed: null,
    listed: true,
    concurrency: limits.concurrency,
    overwrite: limits.overwrite,
    requestsPerSecond: limits.requestsPerSecond,
    bytesPerSecond: limits.bytesPerSecond,
    ...extra,
  };
}

async function started(job: ImportJobRow, bucketName: string): Promise<ImportJobView> {
  runner().wake();
  return toJobView(job, bucketName);
}

/** Starts a job from a JSON request: a key list, or an origin to list. */
export async function createImport(bucketName: string, request: CreateImportRequest): Promise<ImportJobView> {
  const bucket = await requireBucket(bucketName);
  const { source } = request;
  if (source.type === "keys") {
    const fieldErrors: Record<string, string[]> = {};
    source.keys.forEach((key, index) => {
      const problem = objectKeyProblem(key);
      if (problem) fieldErrors[`source.keys.${index}`] = [problem];
    });
    if (Object.keys(fieldErrors).length > 0) throw new InvalidInput(fieldErrors, "Some keys cannot be object keys.");
    // A draft until its keys are in: the runner never sees half a list.
    const job = await repository().create(jobRow(bucket.id, request, { type: "keys" }, { draft: true }));
    try {
      await repository().addKeys(job.id, source.keys);
      return started(await repository().publish(job.id), bucket.name);
    } catch (error) {
      await repository().remove(job.id);
      throw error;
    }
  }
  // An origin's listed keys are taken as this bucket's keys: not under a rule that rewrites them.
  const rewriting = listingKeyProblem(await listRulesForBucketId(bucket.id), source.prefix);
  if (rewriting) throw new InvalidInput({ source: [rewriting] }, rewriting);
  if (source.type === "bos") {
    if (source.bucket === bucket.name) throw new InvalidInput({ "source.bucket": ["A bucket cannot import from itself."] });
    if (!(await findBucketRecord(source.bucket))) throw new InvalidInput({ "source.bucket": [`There is no bucket named ${source.bucket}.`] });
    const job = await repository().create(jobRow(bucket.id, request, { type: "bos", bucket: source.bucket, prefix: source.prefix }, { listed: false }));
    return started(job, bucket.name);
  }
  const view: ImportSourceView = {
    type: "s3",
    endpoint: new URL(source.endpoint).origin + new URL(source.endpoint).pathname.replace(/\/+$/, ""),
    bucket: source.bucket,
    region: source.region,
    prefix: source.prefix,
    accessKeyId: source.accessKeyId ?? null,
  };
  const secretSealed = source.secretAccessKey === undefined ? null : seal(source.secretAccessKey);
  return started(await repository().create(jobRow(bucket.id, request, view, { listed: false, secretSealed })), bucket.name);
}

/** The limits of a text/plain request, from its query string (`?concurrency=8&overwrite=true`). */
export function limitsFromQuery(query: URLSearchParams): ImportLimits {
  const raw: Record<string, unknown> = {};
  const fieldErrors: Record<string, string[]> = {};
  for (const name of ["concurrency", "requestsPerSecond", "bytesPerSecond"] as const) {
    const value = query.get(name);
    if (value === null || value === "") continue;
    if (!/^\d{1,16}$/.test(value)) fieldErrors[name] = [`${name} must be a whole number.`];
    else raw[name] = Number(value);
  }
  const overwrite = query.get("overwrite");
  if (overwrite !== null) {
    if (overwrite !== "true" && overwrite !== "false") fieldErrors.overwrite = ["overwrite must be true or false."];
    else raw.overwrite = overwrite === "true";
  }
  const parsed = importLimitsSchema.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
  if (Object.keys(fieldErrors).length > 0 || !parsed.success) throw new InvalidInput(fieldErrors);
  return parsed.data;
}

/**
 * Starts a job from a text/plain key list, read as it arrives and written to the database in
 * batches. The job stays a draft (invisible, not run) until the list is complete; a bad line
 * refuses the whole list and removes what was stored of it.
 */
export async function createImportFromKeyList(bucketName: string, limits: ImportLimits, body: AsyncIterable<Uint8Array>): Promise<ImportJobView> {
  const bucket = await requireBucket(bucketName);
  const job = await repository().create(jobRow(bucket.id, limits, { type: "keys" }, { draft: true }));
  try {
    let total = 0;
    for await (const batch of keyLines(body)) total += await repository().addKeys(job.id, batch);
    if (total === 0) throw new InvalidInput({ keys: ["The list holds no keys: send one key per line."] });
    return await started(await repository().publish(job.id), bucket.name);
  } catch (error) {
    await repository().remove(job.id);
    if (error instanceof KeyListProblem) throw new InvalidInput({ keys: [error.message] }, `The key list was refused: ${error.message}.`);
    throw error;
  }
}

export async function getImport(bucketName: string, id: string): Promise<ImportJobView> {
  const { bucket, job } = await requireJob(bucketName, id);
  return toJobView(job, bucket.name);
}

export async function listImports(bucketName: string): Promise<ImportJobView[]> {
  const bucket = await requireBucket(bucketName);
  const now = new Date();
  return (await repository().list(bucket.id, LISTED_JOBS)).map((job) => toJobView(job, bucket.name, now));
}

async function move(bucketName: string, id: string, from: ImportState[], to: ImportState, action: string): Promise<ImportJobView> {
  const { bucket, job } = await requireJob(bucketName, id);
  const moved = await repository().transition(job.id, from, to, to === "cancelled" ? { endedAt: new Date() } : { error: null });
  const current = (await repository().find(bucket.id, job.id)) ?? job;
  if (!moved) throw new ImportJobStateConflict(job.id, current.state, action);
  runner().wake();
  return toJobView(current, bucket.name);
}

export const pauseImport = (bucket: string, id: string) => move(bucket, id, ["queued", "running"], "paused", "paused");
export const resumeImport = (bucket: string, id: string) => move(bucket, id, ["paused"], "queued", "resumed");
export const cancelImport = (bucket: string, id: string) => move(bucket, id, ["queued", "running", "paused"], "cancelled", "cancelled");

/** The failed keys go back into the job, which queues again. Only a job that completed with failures. */
export async function retryFailedImport(bucketName: string, id: string): Promise<ImportJobView> {
  const { bucket, job } = await requireJob(bucketName, id);
  if (!(await repository().retryFailed(job.id))) throw new ImportJobStateConflict(job.id, job.state, "retried (only a job that completed with failures can be)");
  runner().wake();
  return toJobView((await repository().find(bucket.id, job.id))!, bucket.name);
}

/** A page of failed keys with their reasons; `after` is the previous page's `nextAfter`. */
export async function listImportFailures(bucketName: string, id: string, query: URLSearchParams): Promise<ImportFailuresPage> {
  const { job } = await requireJob(bucketName, id);
  const after = query.get("after") ?? "0";
  const limit = query.get("limit") ?? String(FAILURES_PAGE_SIZE);
  const fieldErrors: Record<string, string[]> = {};
  if (!/^\d{1,15}$/.test(after)) fieldErrors.after = ["after must be the nextAfter of the previous page."];
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_FAILURES_PAGE_SIZE) fieldErrors.limit = [`limit must be from 1 to ${MAX_FAILURES_PAGE_SIZE}.`];
  if (Object.keys(fieldErrors).length > 0) throw new InvalidInput(fieldErrors);
  const rows = await repository().failures(job.id, Number(after), Number(limit) + 1);
  const page = rows.slice(0, Number(limit));
  return {
    items: page.map((row) => ({ key: row.key, reason: row.reason ?? "" })),
    nextAfter: rows.length > page.length ? page[page.length - 1]!.id : null,
  };
}

/** Every failure of the job as CSV, read from the database a page at a time while it is sent. */
export async function importFailuresCsv(bucketName: string, id: string): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  const { job } = await requireJob(bucketName, id);
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(FAILURES_CSV_HEADER));
        return;
      }
      const rows = await repository().failures(job.id, after, MAX_FAILURES_PAGE_SIZE);
      if (rows.length === 0) return controller.close();
      after = rows[rows.length - 1]!.id;
      controller.enqueue(encoder.encode(rows.map((row) => csvRow([row.key, row.reason ?? ""])).join("")));
    },
  });
  return { filename: `${bucketName}-import-${job.id}-failures.csv`, body };
}
