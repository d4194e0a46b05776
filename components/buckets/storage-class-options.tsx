import { STORAGE_CLASS_LABELS, storageClassesFor, type ZoneType } from "@/lib/buckets/storage-class";

/** The <option>s of a storage-class <select>: only the classes the zone type allows. */
export function StorageClassOptions({ zoneType }: { zoneType: ZoneType }) {
  return storageClassesFor(zoneType).map((storageClass) => (
    <option key={storageClass} value={storageClass}>
      {STORAGE_CLASS_LABELS[storageClass]}
    </option>
  ));
}
