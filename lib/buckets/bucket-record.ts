/** A bucket as the object path needs it (no counts). */
import type { BucketAcl } from "./bucket-acl";
import type { StorageClass, ZoneType } from "./storage-class";

export interface BucketRecord {
  id: number;
  name: string;
  acl: BucketAcl;
  zoneType: ZoneType;
  defaultStorageClass: StorageClass;
  createdAt: Date;
}

