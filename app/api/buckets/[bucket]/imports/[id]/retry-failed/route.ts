import { apiRoute, json } from "@/lib/api/route-handler";
import { retryFailedImport } from "@/lib/imports/import-service";

type Params = { bucket: string; id: string };

export const POST = apiRoute<Params>(async (_request, { bucket, id }) => json(await retryFailedImport(bucket, id)));
