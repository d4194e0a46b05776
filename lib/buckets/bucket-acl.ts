/** Who may read a bucket's objects without a signature. Pure: the console and the server share it. */
export const BUCKET_ACLS = ["private", "public-read"] as const;
export type BucketAcl = (typeof BUCKET_ACLS)[number];

/** Short enough for a select on a phone; BUCKET_ACL_DESCRIPTIONS says what each means. */
export const BUCKET_ACL_LABELS: Record<BucketAcl, string> = {
  private: "Private",
  "public-read": "Public read",
};

export const BUCKET_ACL_DESCRIPTIONS: Record<BucketAcl, string> = {
  private: "every request must be signed",
  "public-read": "anyone may GET objects and list keys; writes still need a signature",
};
