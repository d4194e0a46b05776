/**
 * The only module that reads process.env. Every setting is validated here once;
 * the rest of the app imports `env()` and gets typed, defaulted values.
 * Names follow shared/spec/mirroring-semantics.md ("Configuration names").
 */
import path from "node:path";
import { z } from "zod";
import { trustProxyProblem } from "./http/client-address";
import { LOG_LEVELS, type LogLevel } from "./observability/logger";

const csv = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default("./data"),
  // file:PATH (SQLite) or postgres://… / postgresql://… (PostgreSQL); checked by databaseConfig below.
  DATABASE_URL: z.string().min(1).optional(),
  ORIGIN_ALLOWLIST: csv,
  // Where object bytes live: files under DATA_DIR, or an S3-compatible bucket (BLOB_S3_*).
  BLOB_STORE: z.enum(["disk", "s3"]).default("disk"),
  BLOB_S3_ENDPOINT: z
    .url({ protocol: /^https?$/, error: "use an http:// or https:// URL, like http://127.0.0.1:7480" })
    .optional(),
  // S3's bucket naming rules (3-63 lowercase letters, digits, dots and hyphens).
  BLOB_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "use 3-63 lowercase letters, digits, dots and hyphens")
    .optional(),
  BLOB_S3_ACCESS_KEY: z.string().min(1).max(256).optional(),
  BLOB_S3_SECRET_KEY: z.string().min(1).max(256).optional(),
  // Part size of uploads to the store (S3 allows 5 MiB to 5 GiB); larger parts, fewer requests.
  BLOB_S3_PART_BYTES: z.coerce.number().int().min(5 * 1024 ** 2).max(5 * 1024 ** 3).default(8 * 1024 ** 2),
  BLOB_S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, "use lowercase letters, digits and hyphens, like us-east-1").default("us-east-1"),
  OBJECT_HOST: z.string().min(1).optional(),
  // The region S3 clients sign for (SigV4's credential scope) and GetBucketLocation reports.
  // Multipart uploads not completed or aborted within this many hours are aborted (their parts removed).
  MULTIPART_UPLOAD_MAX_AGE_HOURS: z.coerce.number().positive().default(7 * 24),
  S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, "use lowercase letters, digits and hyphens, like us-east-1").default("us-east-1"),
  // Back-to-origin limits (milliseconds and bytes).
  ORIGIN_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  ORIGIN_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  ORIGIN_BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  // Total time for one object's body: ends a trickling origin that never goes idle.
  ORIGIN_BODY_TIMEOUT_MS: z.coerce.number().int().positive().default(30 * 60_000),
  MAX_OBJECT_SIZE: z.coerce.number().int().positive().default(5 * 1024 ** 3),
  // Which forwarded client address to believe: empty (the socket's peer), a hop count, or proxy CIDRs.
  TRUST_PROXY: z
    .string()
    .default("")
    .superRefine((value, ctx) => {
      const problem = trustProxyProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  // A client request (upload or not) that sends nothing for this long is cut off.
  REQUEST_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  // Redirect mode's background fetches: pending (waiting for a turn at their origin, or running) at most this many.
  BACKGROUND_FETCH_QUEUE: z.coerce.number().int().min(0).default(1_000),
  // Protecting origins. Requests at once per origin host (every kind of pull), and GET misses that
  // may wait for a turn per origin host (the next gets 503 SlowDown).
  ORIGIN_MAX_CONCURRENCY: z.coerce.number().int().positive().max(10_000).default(16),
  ORIGIN_MAX_QUEUED: z.coerce.number().int().min(0).max(1_000_000).default(256),
  // The circuit breaker per origin host: this many failures within the window open it for ORIGIN_BREAKER_OPEN_MS.
  ORIGIN_BREAKER_FAILURES: z.coerce.number().int().positive().default(5),
  ORIGIN_BREAKER_WINDOW_MS: z.coerce.number().int().positive().default(30_000),
  ORIGIN_BREAKER_OPEN_MS: z.coerce.number().int().positive().default(30_000),
  // Remembered origin 404s: for this long (0: not at all), in at most this many bytes.
  NEGATIVE_CACHE_TTL_MS: z.coerce.number().int().min(0).default(10_000),
  NEGATIVE_CACHE_BYTES: z.coerce.number().int().min(0).default(8 * 1024 ** 2),
  // In-memory caches, in bytes: object metadata rows, and the bytes of small objects.
  METADATA_CACHE_BYTES: z.coerce.number().int().min(0).default(32 * 1024 ** 2),
  CONTENT_CACHE_BYTES: z.coerce.number().int().min(0).default(64 * 1024 ** 2),
  // The first access key (MinIO-style first run): both or neither; generated and printed when absent.
  ROOT_ACCESS_KEY: z.string().regex(/^[A-Za-z0-9]{8,128}$/, "use 8-128 letters and digits").optional(),
  ROOT_SECRET_KEY: z.string().min(16, "use at least 16 characters").max(256).optional(),
  // Structured logs: the least severe level written (silent writes nothing).
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  // The longest a log line waits in memory before it is written (lines go out per 32 KiB, or after this).
  LOG_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  // GET /metrics is open without a token; with one it needs Authorization: Bearer <token>.
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, "use 16-256 visible ASCII characters (no spaces)")
    .optional(),
  // false: no request metrics are kept and /metrics answers 404.
  METRICS_ENABLED: z.enum(["true", "false"]).default("true"),
  // Several instances over one database (README "Running more than one instance"): a label for this
  // one (a random suffix is added per start), how long its heartbeat lease lasts, and how often it
  // reads the other instances' changes into its caches.
  INSTANCE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,48}$/, "use 1-48 letters, digits, dots, hyphens and underscores")
    .optional(),
  INSTANCE_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  CACHE_SYNC_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  // The first console user: both or neither; generated and printed when absent.
  ADMIN_EMAIL: z.email("use an email address").optional(),
  ADMIN_PASSWORD: z.string().min(12, "use at least 12 characters").max(256).optional(),
});

/**
 * Which database holds the metadata (lib/db/): a SQLite file, or a PostgreSQL server. The URL is what
 * Prisma's driver adapter and `prisma migrate deploy` get; for SQLite always `file:` + an absolute path.
 */
export type DatabaseConfig =
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgresql"; url: string };

/** Where object bytes live (lib/storage). */
export type BlobStoreConfig =
  | { kind: "disk" }
  | { kind: "s3"; endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; partBytes: number };

export interface AppEnv {
  nodeEnv: "development" | "production" | "test";
  port: number;
  /** Absolute path of the data directory (object bytes and, by default, the database). */
  dataDir: string;
  database: DatabaseConfig;
  blobStore: BlobStoreConfig;
  originAllowlist: string[];
  objectHost: string | undefined;
  /** S3_REGION: what SigV4 signatures must be scoped to. */
  s3Region: string;
  /** MULTIPART_UPLOAD_MAX_AGE_HOURS, in milliseconds. */
  multipartUploadMaxAgeMs: number;
  origin: { connectTimeoutMs: number; headersTimeoutMs: number; bodyIdleTimeoutMs: number; bodyTimeoutMs: number };
  maxObjectSize: number;
  /** TRUST_PROXY as given (parsed by lib/http/client-address.ts). */
  trustProxy: string;
  requestIdleTimeoutMs: number;
  backgroundFetch: { queue: number };
  /** Per origin host: concurrency, queue, circuit breaker; and the negative cache of origin 404s. */
  originProtection: {
    maxConcurrency: number;
    maxQueued: number;
    breaker: { failureThreshold: number; windowMs: number; openMs: number };
    negativeCache: { ttlMs: number; maxBytes: number };
  };
  cacheBytes: { metadata: number; content: number };
  rootAccessKey: { accessKeyId: string; secretKey: string } | null;
  admin: { email: string; password: string } | null;
  logLevel: LogLevel;
  /** The longest a log line waits in memory before it is written. */
  logFlushMs: number;
  metrics: { enabled: boolean; token: string | undefined };
  /** Several instances over one database: this one's label, its lease, and how often caches catch up. */
  fleet: { instanceName: string | undefined; leaseMs: number; cacheSyncMs: number };
}

export function parseEnv(source: NodeJS.ProcessEnv): AppEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const raw = result.data;
  if ((raw.ROOT_ACCESS_KEY === undefined) !== (raw.ROOT_SECRET_KEY === undefined)) {
    throw new Error("Invalid configuration:\n  ROOT_ACCESS_KEY and ROOT_SECRET_KEY go together: set both or neither");
  }
  if ((raw.ADMIN_EMAIL === undefined) !== (raw.ADMIN_PASSWORD === undefined)) {
    throw new Error("Invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither");
  }
  const blobStore = blobStoreConfig(raw);
  const dataDir = path.resolve(raw.DATA_DIR);
  const database = databaseConfig(raw.DATABASE_URL, dataDir);
  return {
    nodeEnv: raw.NODE_ENV,
    port: raw.PORT,
    dataDir,
    database,
    blobStore,
    originAllowlist: raw.ORIGIN_ALLOWLIST,
    objectHost: raw.OBJECT_HOST?.toLowerCase(),
    s3Region: raw.S3_REGION,
    multipartUploadMaxAgeMs: raw.MULTIPART_UPLOAD_MAX_AGE_HOURS * 3_600_000,
    origin: {
      connectTimeoutMs: raw.ORIGIN_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: raw.ORIGIN_HEADERS_TIMEOUT_MS,
      bodyIdleTimeoutMs: raw.ORIGIN_BODY_IDLE_TIMEOUT_MS,
      bodyTimeoutMs: raw.ORIGIN_BODY_TIMEOUT_MS,
    },
    maxObjectSize: raw.MAX_OBJECT_SIZE,
    trustProxy: raw.TRUST_PROXY.trim(),
    requestIdleTimeoutMs: raw.REQUEST_IDLE_TIMEOUT_MS,
    backgroundFetch: { queue: raw.BACKGROUND_FETCH_QUEUE },
    originProtection: {
      maxConcurrency: raw.ORIGIN_MAX_CONCURRENCY,
      maxQueued: raw.ORIGIN_MAX_QUEUED,
      breaker: { failureThreshold: raw.ORIGIN_BREAKER_FAILURES, windowMs: raw.ORIGIN_BREAKER_WINDOW_MS, openMs: raw.ORIGIN_BREAKER_OPEN_MS },
      negativeCache: { ttlMs: raw.NEGATIVE_CACHE_TTL_MS, maxBytes: raw.NEGATIVE_CACHE_BYTES },
    },
    cacheBytes: { metadata: raw.METADATA_CACHE_BYTES, content: raw.CONTENT_CACHE_BYTES },
    rootAccessKey: raw.ROOT_ACCESS_KEY && raw.ROOT_SECRET_KEY ? { accessKeyId: raw.ROOT_ACCESS_KEY, secretKey: raw.ROOT_SECRET_KEY } : null,
    admin: raw.ADMIN_EMAIL && raw.ADMIN_PASSWORD ? { email: raw.ADMIN_EMAIL.toLowerCase(), password: raw.ADMIN_PASSWORD } : null,
    logLevel: raw.LOG_LEVEL,
    logFlushMs: raw.LOG_FLUSH_MS,
    metrics: { enabled: raw.METRICS_ENABLED === "true", token: raw.METRICS_TOKEN },
    fleet: { instanceName: raw.INSTANCE_NAME, leaseMs: raw.INSTANCE_LEASE_MS, cacheSyncMs: raw.CACHE_SYNC_MS },
  };
}

const POSTGRES_URL_FORM = "postgres://USER:PASSWORD@HOST:PORT/DATABASE";

function databaseConfig(url: string | undefined, dataDir: string): DatabaseConfig {
  if (url === undefined) {
    const file = path.join(dataDir, "app.db");
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  if (url.startsWith("file:")) {
    const file = path.resolve(url.slice("file:".length));
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`Invalid configuration:\n  DATABASE_URL: use file:PATH (SQLite) or ${POSTGRES_URL_FORM} (PostgreSQL)`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Invalid configuration:\n  DATABASE_URL: not a URL; use ${POSTGRES_URL_FORM} (percent-encode special characters in the password)`);
  }
  if (!parsed.hostname) throw new Error(`Invalid configuration:\n  DATABASE_URL: name the server's host, as in ${POSTGRES_URL_FORM}`);
  if (parsed.pathname.length <= 1) throw new Error(`Invalid configuration:\n  DATABASE_URL: name the database, as in ${POSTGRES_URL_FORM}`);
  // Prisma's own URLs take ?schema=; through the driver adapter nothing reads it, and the tables went to
  // the public schema regardless (checked against PostgreSQL 15): refused rather than ignored.
  if (parsed.searchParams.has("schema")) {
    throw new Error(
      `Invalid configuration:\n  DATABASE_URL: ?schema= is not supported; the app's tables live in the database's public schema. Give the app a database of its own (CREATE DATABASE …) instead of a schema`,
    );
  }
  return { provider: "postgresql", url };
}

function blobStoreConfig(raw: z.infer<typeof envSchema>): BlobStoreConfig {
  const s3Settings = [
    ["BLOB_S3_ENDPOINT", raw.BLOB_S3_ENDPOINT],
    ["BLOB_S3_BUCKET", raw.BLOB_S3_BUCKET],
    ["BLOB_S3_ACCESS_KEY", raw.BLOB_S3_ACCESS_KEY],
    ["BLOB_S3_SECRET_KEY", raw.BLOB_S3_SECRET_KEY],
  ] as const;
  if (raw.BLOB_STORE === "disk") return { kind: "disk" };
  const missing = s3Settings.filter(([, value]) => value === undefined).map(([name]) => name);
  if (missing.length > 0) throw new Error(`Invalid configuration:\n  BLOB_STORE=s3 needs ${missing.join(", ")}`);
  return {
    kind: "s3",
    endpoint: raw.BLOB_S3_ENDPOINT!,
    bucket: raw.BLOB_S3_BUCKET!,
    region: raw.BLOB_S3_REGION,
    accessKeyId: raw.BLOB_S3_ACCESS_KEY!,
    secretAccessKey: raw.BLOB_S3_SECRET_KEY!,
    partBytes: raw.BLOB_S3_PART_BYTES,
  };
}

let cached: AppEnv | undefined;

export function env(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
