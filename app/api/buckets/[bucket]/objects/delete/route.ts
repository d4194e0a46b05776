import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { deleteObjectsSchema } from "@/lib/object-browser/object-browser-schema";
import { deleteObjects } from "@/lib/object-browser/object-browser-service";

type Params = { bucket: string };

/** Deletes up to 1,000 objects `{ keys: [...] }`; answers which were deleted and which did not exist. */
export const POST = apiRoute<Params>(async (request, { bucket }, { audit }) => {
  const { keys } = await readJsonBody(request, deleteObjectsSchema);
  return json(await deleteObjects(bucket, keys, audit));
});
