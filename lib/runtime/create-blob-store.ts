/** The blob store the configuration names (BLOB_STORE), for the app and for `npm run fsck`. */
import type { AppEnv } from "@/lib/env";
import type { BlobStore } from "@/lib/storage/blob-store";
import { DiskBlobStore } from "@/lib/storage/disk-blob-store";
import { S3BlobStore } from "@/lib/storage/s3-blob-store";

/** `instanceId`: the instance whose temporary files the store writes (null for tools such as fsck). */
export function createBlobStore(config: AppEnv, instanceId: string | null = null): BlobStore {
  const store = config.blobStore;
  if (store.kind === "disk") return new DiskBlobStore(config.dataDir, instanceId);
  return new S3BlobStore({ ...store, dataDir: config.dataDir, maxObjectSize: config.maxObjectSize, instanceId });
}
