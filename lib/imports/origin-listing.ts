/**
 * Listing an origin, page by page, for an import job whose source is the origin itself. A page's
 * cursor is saved with its keys (import-repository.ts), so a restart goes on where it stopped.
 * Listed keys are taken as the bucket's keys: right only for rules that keep the key as the origin
 * path; listing-key-mapping.ts refuses a listing that a key-rewriting rule could apply to.
 */
import type { MaybePromise } from "@/lib/maybe-promise";
import type { ObjectService } from "@/lib/objects/object-service";
import type { OriginClient } from "@/lib/origin/origin-client";
import type { ImportSourceView } from "./import-schema";
import { OriginListingFailed, type ListedPage } from "./listed-page";
import { listS3Page } from "./s3-listing";

export { OriginListingFailed, type ListedPage };

export type OriginLister = (cursor: string | null) => Promise<ListedPage>;

export interface ListingDeps {
  objects: ObjectService;
  findBucket: (name: string) => MaybePromise<{ id: number } | null>;
  client: OriginClient;
}

export function originLister(source: ImportSourceView, secretKey: string | null, deps: ListingDeps, pageKeys: number): OriginLister {
  if (source.type === "bos") {
    return async (cursor) => {
      const bucket = await deps.findBucket(source.bucket);
      if (!bucket) throw new OriginListingFailed(`the origin bucket ${source.bucket} does not exist`);
      const page = await deps.objects.list(bucket.id, { prefix: source.prefix, delimiter: "", marker: cursor ?? "", maxKeys: pageKeys });
      return { keys: page.objects.map((object) => object.key), cursor: page.isTruncated ? page.nextMarker : null };
    };
  }
  if (source.type === "s3") {
    const credentials = source.accessKeyId !== null && secretKey !== null ? { accessKeyId: source.accessKeyId, secretAccessKey: secretKey } : null;
    return (cursor) => listS3Page(deps.client, { ...source, credentials }, cursor, pageKeys);
  }
  throw new Error("a key-list job has no origin to list");
}
