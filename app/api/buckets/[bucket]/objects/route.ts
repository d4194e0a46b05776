import { apiRoute, json, readQuery } from "@/lib/api/route-handler";
import { listObjectsQuerySchema } from "@/lib/object-browser/object-browser-schema";
import { listObjects } from "@/lib/object-browser/object-browser-service";

type Params = { bucket: string };

/** One page of a folder: `?prefix=a/b/&delimiter=/&marker=&maxKeys=100`, keys in UTF-8 byte order. */
export const GET = apiRoute<Params>(async (request, { bucket }) => json(await listObjects(bucket, readQuery(request, listObjectsQuerySchema))));
