/** Service and bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, bucket ACLs. */
import { BUCKET_ACLS, type BucketAcl } from "@/lib/buckets/bucket-acl";
import { bucketNameProblem } from "@/lib/buckets/bucket-name";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { createBucket, deleteBucket, listBuckets, setBucketAcl } from "@/lib/buckets/bucket-service";
import { STORAGE_CLASSES_BY_ZONE } from "@/lib/buckets/storage-class";
import { readXmlRequest } from "./body";
import type { S3Context } from "./context";
import { sendXml } from "./respond";
import { S3Error } from "./s3-error";
import { XSI_XMLNS, buildXml, childText, children, type XmlNode } from "./xml";

export const OWNER = { ID: "bos-mirror", DisplayName: "bos-mirror" };
const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

export async function listBucketsHandler(ctx: S3Context): Promise<void> {
  const buckets = await listBuckets();
  const xml = buildXml("ListAllMyBucketsResult", {
    Owner: OWNER,
    Buckets: { Bucket: buckets.map((bucket) => ({ Name: bucket.name, CreationDate: bucket.createdAt })) },
  });
  sendXml(ctx.res, 200, xml);
}

/** The canned ACL of an x-amz-acl header, if any; only what BOS ACLs can express. */
function cannedAcl(ctx: S3Context): BucketAcl | null {
  if (Object.keys(ctx.req.headers).some((name) => name.startsWith("x-amz-grant-"))) {
    throw new S3Error("NotImplemented", "x-amz-grant-* headers are not supported; use x-amz-acl: private or public-read.");
  }
  const header = ctx.req.headers["x-amz-acl"];
  if (header === undefined) return null;
  if (typeof header === "string" && (BUCKET_ACLS as readonly string[]).includes(header)) return header as BucketAcl;
  throw new S3Error("NotImplemented", `The canned ACL ${String(header)} is not supported; use ${BUCKET_ACLS.join(" or ")}.`);
}

export async function createBucketHandler(ctx: S3Context, name: string): Promise<void> {
  const problem = bucketNameProblem(name);
  if (problem) throw new S3Error("InvalidBucketName", `${name}: ${problem}`, { fields: { BucketName: name } });
  const acl = cannedAcl(ctx);
  if (ctx.req.headers["x-amz-bucket-object-lock-enabled"] === "true") throw new S3Error("NotImplemented", "Object lock is not supported.");
  const configuration = await readXmlRequest(ctx, "CreateBucketConfiguration");
  const location = configuration ? childText(configuration, "LocationConstraint")?.trim() : undefined;
  if (location !== undefined && location !== "" && location !== ctx.region) {
    throw new S3Error("InvalidLocationConstraint", `This server's region is ${ctx.region}; the LocationConstraint ${location} cannot be created here.`);
  }
  await createBucket({ name, zoneType: "SINGLE_AZ", defaultStorageClass: STORAGE_CLASSES_BY_ZONE.SINGLE_AZ[0] }, ctx.audit);
  if (acl && acl !== "private") await setBucketAcl(name, acl, ctx.audit);
  ctx.res.writeHead(200, { location: `/${name}`, "content-length": 0 });
  ctx.res.end();
}

export async function headBucketHandler(ctx: S3Context): Promise<void> {
  ctx.res.writeHead(200, { "x-amz-bucket-region": ctx.region, "content-length": 0 });
  ctx.res.end();
}

export async function deleteBucketHandler(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  await deleteBucket(bucket.name, ctx.audit);
  ctx.res.writeHead(204);
  ctx.res.end();
}

export async function getBucketLocation(ctx: S3Context): Promise<void> {
  // us-east-1 is S3's empty LocationConstraint.
  const xml = buildXml("LocationConstraint", ctx.region === "us-east-1" ? {} : { "#text": ctx.region });
  sendXml(ctx.res, 200, xml);
}

export async function getBucketAcl(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const grants: XmlNode[] = [
    { Grantee: { "@_xmlns:xsi": XSI_XMLNS, "@_xsi:type": "CanonicalUser", ...OWNER }, Permission: "FULL_CONTROL" },
  ];
  if (bucket.acl === "public-read") grants.push({ Grantee: { "@_xmlns:xsi": XSI_XMLNS, "@_xsi:type": "Group", URI: ALL_USERS }, Permission: "READ" });
  sendXml(ctx.res, 200, buildXml("AccessControlPolicy", { Owner: OWNER, AccessControlList: { Grant: grants } }));
}

/**
 * An AccessControlPolicy document as a canned ACL: the owner's FULL_CONTROL, plus READ for AllUsers
 * (public-read) or not (private). Any other grant cannot be expressed by a BOS bucket ACL.
 */
function aclFromPolicy(policy: XmlNode): BucketAcl {
  const list = policy.AccessControlList;
  const grants = list && typeof list === "object" && !Array.isArray(list) ? children(list as XmlNode, "Grant") : [];
  let publicRead = false;
  for (const grant of grants) {
    if (!grant || typeof grant !== "object" || Array.isArray(grant)) throw new S3Error("MalformedACLError", "Each Grant must have a Grantee and a Permission.");
    const permission = childText(grant as XmlNode, "Permission");
    const grantee = (grant as XmlNode).Grantee;
    const uri = grantee && typeof grantee === "object" && !Array.isArray(grantee) ? childText(grantee as XmlNode, "URI") : undefined;
    if (uri === ALL_USERS && permission === "READ") publicRead = true;
    else if (uri === undefined && permission === "FULL_CONTROL") continue;
    else throw new S3Error("NotImplemented", "Only the canned ACLs private and public-read can be set: the owner's FULL_CONTROL, and READ for AllUsers.");
  }
  return publicRead ? "public-read" : "private";
}

export async function putBucketAcl(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const canned = cannedAcl(ctx);
  const policy = await readXmlRequest(ctx, "AccessControlPolicy");
  if (canned && policy) throw new S3Error("InvalidRequest", "Send either the x-amz-acl header or an AccessControlPolicy document, not both.");
  const acl = canned ?? (policy ? aclFromPolicy(policy) : null);
  if (!acl) throw new S3Error("MissingSecurityHeader", "Send the x-amz-acl header (private or public-read) or an AccessControlPolicy document.");
  await setBucketAcl(bucket.name, acl, ctx.audit);
  ctx.res.writeHead(200, { "content-length": 0 });
  ctx.res.end();
}
