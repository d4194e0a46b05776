/**
 * What the test file's blob store holds, seen through the BlobStore interface, so an assertion
 * about stored or unfinished bytes holds on disk and on the S3 store alike.
 */
import { env } from "@/lib/env";
import { createBlobStore } from "@/lib/runtime/create-blob-store";
import type { BlobStore } from "@/lib/storage/blob-store";

const stores = new Map<string, BlobStore>();

/** The store of the test file's configuration, or of a server run on another data directory. */
export function storedBlobs(dataDir = env().dataDir): BlobStore {
  let store = stores.get(dataDir);
  if (!store) {
    store = createBlobStore({ ...env(), dataDir });
    stores.set(dataDir, store);
  }
  return store;
}

export function usesS3BlobStore(): boolean {
  return env().blobStore.kind === "s3";
}

/** Names of unfinished writes: temporary files, incomplete uploads (and their local spool files). */
export async function unfinishedWrites(): Promise<string[]> {
  return (await storedBlobs().listUnfinished()).map((write) => write.name);
}

/** Stores `content` as blob `name` directly (what a write that crashed at some point left behind). */
export async function putBlob(name: string, content: string | Buffer): Promise<void> {
  const writer = await storedBlobs().createWriter(name);
  try {
    await writer.append([Buffer.from(content)]);
    await writer.commit();
  } finally {
    await writer.discard();
  }
}
