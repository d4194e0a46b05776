/**
 * Presigned links for the console: the server signs a GET of one object with the secret of an
 * access key the user picks (BOS bce-auth-v1 or S3 SigV4), valid for at most 7 days. The link
 * grants exactly that: reading this object, until it expires or the key is disabled or deleted.
 * Creating one is recorded in the audit log (it hands out access). Server only.
 */
import { recordAudit, type AuditContext } from "@/lib/audit/audit-log";
import { findSigningSecret } from "@/lib/auth/access-key-service";
import { signRequest, uriEncode as bosUriEncode } from "@/lib/auth/bce-signature";
import { db } from "@/lib/db/client";
import { InvalidInput } from "@/lib/domain/errors";
import { currentApp } from "@/lib/runtime/current-app";
import { uriEncode as s3UriEncode } from "@/lib/s3/auth/canonical";
import { presignUrl } from "@/lib/s3/auth/sign";
import type { PresignedLink, LinkSignature } from "./object-browser-schema";
import { findObject } from "./object-browser-service";

/**
 * A key as a URL path. Clients resolve "." and ".." segments before sending (written `%2E` too,
 * per the URL standard), which would change the key; such a key is sent as one segment with its
 * slashes escaped, which both object APIs decode back to the same key.
 */
export function keyPath(key: string, encode: (segment: string) => string): string {
  const segments = key.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) return encode(key);
  return segments.map(encode).join("/");
}

export interface PresignRequest {
  key: string;
  accessKeyId: string;
  expiresInSeconds: number;
  signature: LinkSignature;
}

/** `origin` is the console's own `scheme://host[:port]`, where the object APIs answer too. */
export async function presignObjectLink(bucketName: string, input: PresignRequest, origin: string, audit: AuditContext): Promise<PresignedLink> {
  const object = await findObject(bucketName, input.key);
  const secret = await findSigningSecret(input.accessKeyId);
  if (!secret) throw new InvalidInput({ accessKeyId: [`There is no access key ${input.accessKeyId}.`] });
  if (!secret.enabled) throw new InvalidInput({ accessKeyId: [`Access key ${input.accessKeyId} is disabled: links it signs would be refused.`] });
  const credentials = { accessKeyId: input.accessKeyId, secretKey: secret.secretKey };
  const base = new URL(origin);
  const now = new Date();
  let url: string;
  if (input.signature === "bos") {
    const rawPath = `/v1/${bucketName}/${keyPath(object.key, (segment) => bosUriEncode(segment))}`;
    const authorization = signRequest(credentials, { method: "GET", rawPath, query: [], headers: { host: base.host } }, {
      timestamp: now,
      expirationSeconds: input.expiresInSeconds,
      signedHeaders: ["host"],
    });
    url = `${base.origin}${rawPath}?authorization=${encodeURIComponent(authorization)}`;
  } else {
    const rawPath = `/${bucketName}/${keyPath(object.key, s3UriEncode)}`;
    const region = currentApp().config.s3Region;
    url = `${base.origin}${presignUrl({ method: "GET", rawPath, headers: { host: base.host } }, credentials, { region, now, expiresSeconds: input.expiresInSeconds })}`;
  }
  const link: PresignedLink = {
    url,
    // Both signatures count whole seconds from their timestamp, which drops the milliseconds.
    expiresAt: new Date(Math.floor(now.getTime() / 1000) * 1000 + input.expiresInSeconds * 1000).toISOString(),
    accessKeyId: input.accessKeyId,
    signature: input.signature,
  };
  await recordAudit(db(), audit, {
    action: "object.presign",
    bucket: bucketName,
    target: object.key,
    after: { accessKeyId: link.accessKeyId, signature: link.signature, expiresAt: link.expiresAt },
  });
  return link;
}
