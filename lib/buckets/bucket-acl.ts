/** Who may read a bucket's objects without a signature. Pure: the console and the server share it. */
export const BUCKET_ACLS = ["private", "public-read"] as const;
export type BucketAcl = (typeof BUCKET_ACLS)[number];

export const BUCKET_ACL_LABELS: Record<BucketAcl, string> = {
  private: "Private: every request must be signed",
  "public-read": "Public read: anyone may GET objects (writes still need a signature)",
};
