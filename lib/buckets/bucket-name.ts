/** BOS bucket naming rules, shared by the console form, the management API and the object API. */
import { z } from "zod";
import { STORAGE_CLASSES, ZONE_TYPES, isStorageClassAllowed } from "./storage-class";

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

export const createBucketSchema = z
  .object({
    name: bucketNameSchema,
    zoneType: z.enum(ZONE_TYPES, "Choose single-AZ or multi-AZ."),
    defaultStorageClass: z.enum(STORAGE_CLASSES, "Choose a storage class."),
  })
  .superRefine((bucket, ctx) => {
    if (!isStorageClassAllowed(bucket.zoneType, bucket.defaultStorageClass)) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultStorageClass"],
        message: `${bucket.defaultStorageClass} is not available in a ${bucket.zoneType === "MULTI_AZ" ? "multi-AZ" : "single-AZ"} bucket.`,
      });
    }
  });

export type CreateBucketInput = z.infer<typeof createBucketSchema>;
