import { apiRoute, json } from "@/lib/api/route-handler";
import { emptyingStatus, startEmptying } from "@/lib/object-browser/object-browser-service";

type Params = { bucket: string };

/** The bucket's emptying job (running, or the last one, on any instance), or null. */
export const GET = apiRoute<Params>(async (_request, { bucket }) => json({ job: await emptyingStatus(bucket) }));

/** Starts deleting every object of the bucket (202), or answers the job already running (200). */
export const POST = apiRoute<Params>(async (_request, { bucket }, { audit }) => {
  const { job, started } = await startEmptying(bucket, audit);
  return json({ job, started }, started ? 202 : 200);
});
