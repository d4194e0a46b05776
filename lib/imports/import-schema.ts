/**
 * Import jobs ("import the rest"): the request that starts one, the states and counts it reports,
 * and their limits. Pure: the console's form and the server parse the same schema.
 */
import { z } from "zod";

export const IMPORT_STATES = ["queued", "running", "paused", "completed", "completed_with_failures", "cancelled"] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** States a job does not leave by itself. */
export const FINISHED_STATES: readonly ImportState[] = ["completed", "completed_with_failures", "cancelled"];

/** What became of one key. */
export const ITEM_OUTCOMES = ["pulled", "skipped", "missing", "failed", "noRule"] as const;
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];

export const MAX_IMPORT_CONCURRENCY = 64;
export const DEFAULT_IMPORT_CONCURRENCY = 4;
/** Keys in a JSON request; longer lists go as text/plain, which is streamed (no limit but the disk's). */
export const MAX_JSON_KEYS = 10_000;
export const FAILURES_PAGE_SIZE = 100;
export const MAX_FAILURES_PAGE_SIZE = 1000;

const positiveLimit = (what: string) =>
  z
    .number(`${what} must be a number.`)
    .int(`${what} must be a whole number.`)
    .min(1, `${what} must be at least 1.`)
    .max(Number.MAX_SAFE_INTEGER, `${what} is too large.`)
    .nullable()
    .default(null);

/** How a job runs, whatever its source: at most `concurrency` origin requests at a time, optional rate caps. */
export const importLimitsSchema = z.object({
  concurrency: z
    .number("The concurrency must be a number.")
    .int("The concurrency must be a whole number.")
    .min(1, "The concurrency must be at least 1.")
    .max(MAX_IMPORT_CONCURRENCY, `The concurrency is at most ${MAX_IMPORT_CONCURRENCY}.`)
    .default(DEFAULT_IMPORT_CONCURRENCY),
  /** Fetch again keys the bucket already holds. */
  overwrite: z.boolean("overwrite must be true or false.").default(false),
  requestsPerSecond: positiveLimit("The requests-per-second limit"),
  bytesPerSecond: positiveLimit("The bytes-per-second limit"),
});
export type ImportLimits = z.output<typeof importLimitsSchema>;

const prefixField = z.string("The prefix must be text.").max(1024, "The prefix is longer than 1024 characters.").default("");

const keysSourceSchema = z.object({
  type: z.literal("keys"),
  keys: z
    .array(z.string("Every key must be text."), "keys must be a list of object keys.")
    .min(1, "Give at least one key.")
    .max(MAX_JSON_KEYS, `At most ${MAX_JSON_KEYS} keys in JSON; send longer lists as text/plain, one key per line.`),
});

/** Another bucket of this deployment (a `bos://` origin), listed through the object service. */
const bosSourceSchema = z.object({
  type: z.literal("bos"),
  bucket: z.string("Name the origin bucket.").min(1, "Name the origin bucket."),
  prefix: prefixField,
});

/** An S3-compatible origin, listed with ListObjectsV2: anonymously, or with the job's own credentials. */
const s3SourceSchema = z
  .object({
    type: z.literal("s3"),
    endpoint: z
      .string("Give the endpoint URL.")
      .max(1024, "The endpoint is longer than 1024 characters.")
      .refine((value) => {
        try {
          const url = new URL(value);
          return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "" && url.search === "" && url.hash === "";
        } catch {
          return false;
        }
      }, "Give the endpoint as http(s)://host[:port], without credentials or a query."),
    bucket: z.string("Name the origin bucket.").regex(/^[a-zA-Z0-9._-]{1,255}$/, "Use the bucket's name: letters, digits, dots, hyphens and underscores."),
    region: z.string("The region must be text.").regex(/^[a-z0-9-]{1,64}$/, "Use a region such as us-east-1.").default("us-east-1"),
    prefix: prefixField,
    accessKeyId: z.string("The access key must be text.").max(256, "The access key is too long.").optional(),
    secretAccessKey: z.string("The secret key must be text.").max(1024, "The secret key is too long.").optional(),
  })
  .refine((source) => (source.accessKeyId === undefined) === (source.secretAccessKey === undefined), {
    message: "Give both the access key and the secret key, or neither (anonymous listing).",
    path: ["secretAccessKey"],
  });

export const importSourceSchema = z.discriminatedUnion("type", [keysSourceSchema, bosSourceSchema, s3SourceSchema], {
  error: 'The source is { "type": "keys", "keys": [...] }, { "type": "bos", "bucket" } or { "type": "s3", "endpoint", "bucket" }.',
});
export type ImportSourceRequest = z.output<typeof importSourceSchema>;

export const createImportSchema = importLimitsSchema.extend({ source: importSourceSchema });
export type CreateImportRequest = z.output<typeof createImportSchema>;

/** The source as a job reports it: never a secret. */
export type ImportSourceView =
  | { type: "keys" }
  | { type: "bos"; bucket: string; prefix: string }
  | { type: "s3"; endpoint: string; bucket: string; region: string; prefix: string; accessKeyId: string | null };

export interface ImportJobView {
  id: number;
  bucket: string;
  state: ImportState;
  source: ImportSourceView;
  concurrency: number;
  overwrite: boolean;
  requestsPerSecond: number | null;
  bytesPerSecond: number | null;
  /** Keys in the job so far (an origin listing adds to it until `listing` is false). */
  total: number;
  pulled: number;
  skipped: number;
  missing: number;
  failed: number;
  noRule: number;
  bytes: number;
  /** True while the origin is still being listed. */
  listing: boolean;
  /** Why the job paused itself (its origin could not be listed); null otherwise. */
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Keys done per second of running time (pauses excluded), and bytes per second. */
  rate: { keysPerSecond: number; bytesPerSecond: number };
  /** Seconds left at the current rate; null when unknown (not started, still listing, or finished). */
  etaSeconds: number | null;
}

export interface ImportFailure {
  key: string;
  reason: string;
}

export interface ImportFailuresPage {
  items: ImportFailure[];
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: number | null;
}

export function doneCount(job: Pick<ImportJobView, "pulled" | "skipped" | "missing" | "failed" | "noRule">): number {
  return job.pulled + job.skipped + job.missing + job.failed + job.noRule;
}
