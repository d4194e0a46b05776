import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { createImportSchema } from "@/lib/imports/import-schema";
import { createImport, createImportFromKeyList, limitsFromQuery, listImports } from "@/lib/imports/import-service";

type Params = { bucket: string };

export const GET = apiRoute<Params>(async (_request, { bucket }) => json({ jobs: await listImports(bucket) }));

/**
 * JSON `{ source, concurrency, ... }`, or a text/plain key list (one key per line, limits in the
 * query string) that is streamed into the database, never held in memory.
 */
export const POST = apiRoute<Params>(async (request, { bucket }) => {
  const type = request.headers.get("content-type") ?? "";
  if (/^text\/plain\b/i.test(type)) {
    const limits = limitsFromQuery(new URL(request.url).searchParams);
    const body = (request.body ?? new ReadableStream<Uint8Array>()) as unknown as AsyncIterable<Uint8Array>;
    return json(await createImportFromKeyList(bucket, limits, body), 201);
  }
  return json(await createImport(bucket, await readJsonBody(request, createImportSchema)), 201);
});
