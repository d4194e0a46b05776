import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("TRUST_PROXY", () => {
  it("is empty (trust no proxy) unless set, and kept as given when valid", () => {
    expect(parseEnv({} as NodeJS.ProcessEnv).trustProxy).toBe("");
    expect(parseEnv({ TRUST_PROXY: " 1 " } as unknown as NodeJS.ProcessEnv).trustProxy).toBe("1");
    expect(parseEnv({ TRUST_PROXY: "10.0.0.0/8,loopback" } as unknown as NodeJS.ProcessEnv).trustProxy).toBe("10.0.0.0/8,loopback");
  });

  it.each(["true", "10.0.0.0/40", "proxy.example"])("stops the start with a clear message for %j", (value) => {
    expect(() => parseEnv({ TRUST_PROXY: value } as unknown as NodeJS.ProcessEnv)).toThrow(/Invalid configuration:\n {2}TRUST_PROXY: .*hop count/);
  });
});

describe("S3_REGION", () => {
  it("defaults to us-east-1 and takes a region name", () => {
    expect(parseEnv({} as NodeJS.ProcessEnv).s3Region).toBe("us-east-1");
    expect(parseEnv({ S3_REGION: "eu-central-1" } as unknown as NodeJS.ProcessEnv).s3Region).toBe("eu-central-1");
  });

  it("aborts multipart uploads after a week unless MULTIPART_UPLOAD_MAX_AGE_HOURS says otherwise", () => {
    expect(parseEnv({} as NodeJS.ProcessEnv).multipartUploadMaxAgeMs).toBe(7 * 24 * 3_600_000);
    expect(parseEnv({ MULTIPART_UPLOAD_MAX_AGE_HOURS: "1.5" } as unknown as NodeJS.ProcessEnv).multipartUploadMaxAgeMs).toBe(5_400_000);
  });

  it("refuses a value that cannot be a credential scope", () => {
    expect(() => parseEnv({ S3_REGION: "us east/1" } as unknown as NodeJS.ProcessEnv)).toThrow(/S3_REGION/);
  });
});

describe("origin protection", () => {
  it("defaults to 16 requests per origin, a 10 s negative cache and a 5-in-30-s breaker open for 30 s", () => {
    expect(parseEnv({} as NodeJS.ProcessEnv).originProtection).toEqual({
      maxConcurrency: 16,
      maxQueued: 256,
      breaker: { failureThreshold: 5, windowMs: 30_000, openMs: 30_000 },
      negativeCache: { ttlMs: 10_000, maxBytes: 8 * 1024 * 1024 },
    });
  });

  it("takes 0 to turn the negative cache off, and refuses a concurrency of 0", () => {
    expect(parseEnv({ NEGATIVE_CACHE_TTL_MS: "0" } as unknown as NodeJS.ProcessEnv).originProtection.negativeCache.ttlMs).toBe(0);
    expect(() => parseEnv({ ORIGIN_MAX_CONCURRENCY: "0" } as unknown as NodeJS.ProcessEnv)).toThrow(/ORIGIN_MAX_CONCURRENCY/);
    expect(() => parseEnv({ NEGATIVE_CACHE_TTL_MS: "-1" } as unknown as NodeJS.ProcessEnv)).toThrow(/NEGATIVE_CACHE_TTL_MS/);
  });
});

describe("LOG_FLUSH_MS", () => {
  it("defaults to a quarter second, and takes 10 ms to a minute", () => {
    expect(parseEnv({} as NodeJS.ProcessEnv).logFlushMs).toBe(250);
    expect(parseEnv({ LOG_FLUSH_MS: "60000" } as unknown as NodeJS.ProcessEnv).logFlushMs).toBe(60_000);
    for (const value of ["9", "60001", "0.5", "soon"]) expect(() => parseEnv({ LOG_FLUSH_MS: value } as unknown as NodeJS.ProcessEnv)).toThrow(/LOG_FLUSH_MS/);
  });
});

describe("DATABASE_URL", () => {
  const parse = (value: string | undefined) => parseEnv({ DATA_DIR: "/srv/data", ...(value === undefined ? {} : { DATABASE_URL: value }) } as unknown as NodeJS.ProcessEnv).database;

  it("is a SQLite file in DATA_DIR by default, and any file: path made absolute", () => {
    expect(parse(undefined)).toEqual({ provider: "sqlite", url: "file:/srv/data/app.db", file: "/srv/data/app.db" });
    expect(parse("file:/var/lib/bos/meta.db")).toEqual({ provider: "sqlite", url: "file:/var/lib/bos/meta.db", file: "/var/lib/bos/meta.db" });
  });

  it.each(["postgres://bos:s%40cret@db.internal:5432/bos_mirror", "postgresql://bos@127.0.0.1/bos_mirror?sslmode=require"])("selects PostgreSQL for %j, the URL kept as given", (url) => {
    expect(parse(url)).toEqual({ provider: "postgresql", url });
  });

  it.each([
    ["mysql://db/bos", /use file:PATH \(SQLite\) or postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/],
    ["postgres://bos@db.internal", /name the database/],
    ["postgres:///bos_mirror", /name the server's host/],
    ["postgres://bos@db.internal:port/bos_mirror", /not a URL.*percent-encode/],
    ["postgres://bos@db.internal/bos_mirror?schema=tenant", /\?schema= is not supported.*database of its own/],
  ])("stops the start with a clear message for %j", (url, message) => {
    expect(() => parse(url)).toThrow(message);
  });
});
