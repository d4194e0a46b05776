/**
 * A bucket of its own in the S3 blob store for each integration test file (integration-s3 project),
 * so files never see each other's blobs or unfinished uploads; emptied and deleted afterwards, since
 * the test cluster keeps objects in RAM.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import {
  AbortMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import type { BlobStoreConfig } from "@/lib/env";

export function newTestBucketName(): string {
  return `bos-mirror-test-${randomBytes(6).toString("hex")}`;
}

/** A plain client for the test's own inspection of the store (not the app's). */
export function testS3Client(config: Extract<BlobStoreConfig, { kind: "s3" }>): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

export async function deleteTestBucket(config: Extract<BlobStoreConfig, { kind: "s3" }>): Promise<void> {
  const client = testS3Client(config);
  const Bucket = config.bucket;
  try {
    for (;;) {
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket }));
      for (const upload of uploads.Uploads ?? []) await client.send(new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }));
      if (!uploads.IsTruncated) break;
    }
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket }));
      const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
      if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
      if (!page.IsTruncated) break;
    }
    await client.send(new DeleteBucketCommand({ Bucket }));
  } catch (error) {
    if ((error as { name?: string }).name !== "NoSuchBucket") throw error;
  } finally {
    client.destroy();
  }
}

/**
 * Caps a test bucket on the Ceph cluster scripts/start-ceph.sh runs (radosgw's bucket quota, which
 * it answers with 403 QuotaExceeded): the S3 store's "full". `null` lifts the cap.
 */
export async function capTestBucket(bucket: string, maxBytes: number | null): Promise<void> {
  if (!process.env.CEPH_CONF) throw new Error("CEPH_CONF is not set: start the cluster with eval \"$(bash scripts/start-ceph.sh)\"");
  const admin = (...args: string[]) => promisify(execFile)("timeout", ["30", "radosgw-admin", ...args], { env: process.env });
  if (maxBytes === null) {
    await admin("quota", "disable", "--quota-scope=bucket", `--bucket=${bucket}`);
    return;
  }
  await admin("quota", "set", "--quota-scope=bucket", `--bucket=${bucket}`, `--max-size=${maxBytes}`);
  await admin("quota", "enable", "--quota-scope=bucket", `--bucket=${bucket}`);
}
