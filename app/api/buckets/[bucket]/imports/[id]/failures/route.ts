import { apiRoute, json } from "@/lib/api/route-handler";
import { importFailuresCsv, listImportFailures } from "@/lib/imports/import-service";

type Params = { bucket: string; id: string };

/** `{ items: [{ key, reason }], nextAfter }` a page at a time (`?after=&limit=`), or every failure as CSV (`?format=csv`). */
export const GET = apiRoute<Params>(async (request, { bucket, id }) => {
  const query = new URL(request.url).searchParams;
  if (query.get("format") === "csv") {
    const csv = await importFailuresCsv(bucket, id);
    return new Response(csv.body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${csv.filename}"`,
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
      },
    });
  }
  return json(await listImportFailures(bucket, id, query));
});
