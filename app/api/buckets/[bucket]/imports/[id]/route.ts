import { apiRoute, json } from "@/lib/api/route-handler";
import { getImport } from "@/lib/imports/import-service";

type Params = { bucket: string; id: string };

export const GET = apiRoute<Params>(async (_request, { bucket, id }) => json(await getImport(bucket, id)));
