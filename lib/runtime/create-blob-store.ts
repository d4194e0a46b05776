/** The blob store the configuration names (BLOB_STORE), for the app and for `npm run fsck`. */
import type { AppEnv } from "@/lib/env";
import type { BlobStore } from "@/lib/storage/blob-store";
import { DiskBlobStore } from "@/lib/storage/disk-blob-store";
import { S3BlobStore } from "@/lib/storage/s3-blob-store";

export function createBlobStore(config: AppEnv): BlobStore {
  const store = config.blobStore;
  if (store.kind === "disk") return new DiskBlobStore(config.dataDir);
  return new S3BlobStore({ ...store, dataDir: config.dataDir, maxObjectSize: config.maxObjectSize });
}
