/**
 * The console's object browser, as the management API speaks it: request schemas (parsed by the
 * route handlers, and used by the console's forms) and the shapes of the answers. Pure, so the
 * browser and the server import the same definitions.
 */
import { z } from "zod";
import type { EmptyJob } from "@/lib/objects/bucket-emptier";
import { MAX_KEY_BYTES, objectKeyProblem } from "@/lib/objects/object-key";

/** A listing page holds at most this many folders and objects (as BOS's ListObjects). */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
/** Keys one delete request may name (as S3's DeleteObjects). */
export const MAX_DELETE_KEYS = 1000;
/** The longest a presigned link can last: the object APIs refuse longer signatures. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;
export const FOLDER_DELIMITER = "/";

const utf8Bytes = (value: string) => new TextEncoder().encode(value).length;

/** A prefix or marker: any text a key could start with, up to a key's length. */
const keyPrefix = z
  .string()
  .refine((value) => utf8Bytes(value) <= MAX_KEY_BYTES, `At most ${MAX_KEY_BYTES} bytes.`)
  .refine((value) => !value.includes("\0"), "Must not contain a NUL character.");

export const objectKeySchema = z.string().superRefine((key, ctx) => {
  const problem = objectKeyProblem(key);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** GET /api/buckets/{bucket}/objects: one page of a folder (or, with delimiter "", of every key under prefix). */
export const listObjectsQuerySchema = z.object({
  prefix: keyPrefix.default(""),
  delimiter: z.enum(["", FOLDER_DELIMITER], "The delimiter is / (folders) or empty (every key).").default(FOLDER_DELIMITER),
  marker: keyPrefix.default(""),
  maxKeys: z.coerce
    .number("maxKeys must be a number.")
    .int("maxKeys must be a whole number.")
    .min(1, "maxKeys is at least 1.")
    .max(MAX_PAGE_SIZE, `maxKeys is at most ${MAX_PAGE_SIZE}.`)
    .default(DEFAULT_PAGE_SIZE),
});
export type ListObjectsQuery = z.output<typeof listObjectsQuerySchema>;

/** POST /api/buckets/{bucket}/objects/delete */
export const deleteObjectsSchema = z.object({
  keys: z
    .array(objectKeySchema)
    .min(1, "Choose at least one object.")
    .max(MAX_DELETE_KEYS, `At most ${MAX_DELETE_KEYS} objects at a time.`)
    .refine((keys) => new Set(keys).size === keys.length, "Each key may appear once."),
});

export const LINK_SIGNATURES = ["bos", "s3"] as const;
export type LinkSignature = (typeof LINK_SIGNATURES)[number];

/** POST /api/buckets/{bucket}/objects/presign */
export const presignSchema = z.object({
  key: objectKeySchema,
  accessKeyId: z.string().min(1, "Choose the access key that signs the link.").max(128),
  expiresInSeconds: z
    .number("Choose how long the link lasts.")
    .int("Whole seconds.")
    .min(60, "At least one minute.")
    .max(MAX_LINK_SECONDS, "At most 7 days."),
  signature: z.enum(LINK_SIGNATURES, "Choose bos or s3.").default("bos"),
});
export type PresignInput = z.input<typeof presignSchema>;

/** Where an object came from: uploaded, or mirrored from an origin (and when). */
export type ObjectSource = { kind: "uploaded" } | { kind: "mirrored"; url: string; at: string };

export interface ObjectEntry {
  key: string;
  size: number;
  etag: string;
  storageClass: string;
  contentType: string | null;
  lastModified: string;
  source: ObjectSource;
}

export interface ObjectListing {
  prefix: string;
  delimiter: string;
  marker: string;
  /** Sub-folders on this page (each ends with the delimiter). */
  folders: string[];
  objects: ObjectEntry[];
  isTruncated: boolean;
  /** Pass as `marker` for the next page. */
  nextMarker: string | null;
}

export interface DeleteObjectsResult {
  deleted: string[];
  /** Keys that did not exist (already deleted). */
  missing: string[];
}

export interface PresignedLink {
  url: string;
  expiresAt: string;
  accessKeyId: string;
  signature: LinkSignature;
}

export interface UploadedObject {
  key: string;
  size: number;
  etag: string;
}

/** An "Empty bucket" job as the console polls it: the emptier's job, without the bucket, times as ISO text. */
export type EmptyJobView = Omit<EmptyJob, "bucketId" | "startedAt" | "finishedAt"> & { startedAt: string; finishedAt: string | null };

/** The folders above `prefix`, for breadcrumbs: "a/b/" gives [["a", "a/"], ["b", "a/b/"]]. */
export function folderTrail(prefix: string): { name: string; prefix: string }[] {
  const trail: { name: string; prefix: string }[] = [];
  let at = 0;
  for (;;) {
    const cut = prefix.indexOf(FOLDER_DELIMITER, at);
    if (cut < 0) return trail;
    trail.push({ name: prefix.slice(at, cut), prefix: prefix.slice(0, cut + 1) });
    at = cut + 1;
  }
}
