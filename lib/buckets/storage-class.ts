/** Zone types and the storage classes each allows (mirroring-semantics.md, "4.2 Storage class"). */
export const ZONE_TYPES = ["SINGLE_AZ", "MULTI_AZ"] as const;
export type ZoneType = (typeof ZONE_TYPES)[number];

export const STORAGE_CLASSES_BY_ZONE = {
  SINGLE_AZ: ["STANDARD", "STANDARD_IA", "COLD", "ARCHIVE"],
  MULTI_AZ: ["MAZ_STANDARD", "MAZ_STANDARD_IA"],
} as const satisfies Record<ZoneType, readonly string[]>;

export const STORAGE_CLASSES = [...STORAGE_CLASSES_BY_ZONE.SINGLE_AZ, ...STORAGE_CLASSES_BY_ZONE.MULTI_AZ] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

export const ZONE_TYPE_LABELS: Record<ZoneType, string> = {
  SINGLE_AZ: "Single-AZ",
  MULTI_AZ: "Multi-AZ",
};

export const STORAGE_CLASS_LABELS: Record<StorageClass, string> = {
  STANDARD: "Standard",
  STANDARD_IA: "Infrequent access",
  COLD: "Cold",
  ARCHIVE: "Archive",
  MAZ_STANDARD: "Standard (multi-AZ)",
  MAZ_STANDARD_IA: "Infrequent access (multi-AZ)",
};

export function storageClassesFor(zoneType: ZoneType): readonly StorageClass[] {
  return STORAGE_CLASSES_BY_ZONE[zoneType];
}

export function isStorageClassAllowed(zoneType: ZoneType, storageClass: string): boolean {
  return (storageClassesFor(zoneType) as readonly string[]).includes(storageClass);
}
