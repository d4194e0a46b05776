/** BOS bucket naming rules, shared by the console form, the management API and the object API. */
import { z } from "zod";
import { STORAGE_CLASSES, ZONE_TYPES, isStorageClassAllowed, storageClassesFor } from "./storage-class";

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return "A bucket name has 3 to 63 characters.";
  if (!BUCKET_NAME.test(name)) {
    return "Use lowercase letters, digits and hyphens only, starting and ending with a letter or digit.";
  }
  return null;
}

export const bucketNameSchema = z.string().superRefine((name, ctx) => {
  const problem = bucketNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * A new bucket. As in BOS, the zone type defaults to single-AZ and the default storage class to
 * the zone's standard class (STANDARD, or MAZ_STANDARD for multi-AZ).
 */
export const createBucketSchema = z
  .object({
    name: bucketNameSchema,
    zoneType: z.enum(ZONE_TYPES, "Choose single-AZ or multi-AZ.").default("SINGLE_AZ"),
    defaultStorageClass: z.enum(STORAGE_CLASSES, "Choose a storage class.").optional(),
  })
  .superRefine((bucket, ctx) => {
    if (bucket.defaultStorageClass !== undefined && !isStorageClassAllowed(bucket.zoneType, bucket.defaultStorageClass)) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultStorageClass"],
        message: `${bucket.defaultStorageClass} is not available in a ${bucket.zoneType === "MULTI_AZ" ? "multi-AZ" : "single-AZ"} bucket.`,
      });
    }
  })
  .transform((bucket) => ({ ...bucket, defaultStorageClass: bucket.defaultStorageClass ?? storageClassesFor(bucket.zoneType)[0]! }));

export type CreateBucketInput = z.infer<typeof createBucketSchema>;
