/** `PUT|GET /v1/{bucket}?acl`: a bucket is private (the default) or public-read. */
import { BUCKET_ACLS, type BucketAcl } from "@/lib/buckets/bucket-acl";
import { setBucketAcl } from "@/lib/buckets/bucket-service";
import { BosError, sendJson } from "./bos-error";
import type { ObjectApiContext } from "./context";
import type { BucketRecord } from "@/lib/buckets/bucket-record";

export async function getAcl(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const grants = [{ grantee: [{ id: "bos-mirror" }], permission: ["FULL_CONTROL"] }];
  if (bucket.acl === "public-read") grants.push({ grantee: [{ id: "*" }], permission: ["READ"] });
  sendJson(ctx.res, 200, { owner: { id: "bos-mirror" }, acl: bucket.acl, accessControlList: grants });
}

export async function putAcl(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const header = ctx.req.headers["x-bce-acl"];
  if (typeof header !== "string" || !(BUCKET_ACLS as readonly string[]).includes(header)) {
    throw new BosError("InvalidArgument", `Send the x-bce-acl header with ${BUCKET_ACLS.join(" or ")}.`);
  }
  await setBucketAcl(bucket.name, header as BucketAcl, ctx.audit);
  ctx.res.writeHead(200, { "content-length": 0 });
  ctx.res.end();
}
