/** Import jobs through the real route handlers, in-process, as the console calls them. */
import * as listRoute from "@/app/api/buckets/[bucket]/imports/route";
import * as jobRoute from "@/app/api/buckets/[bucket]/imports/[id]/route";
import * as failuresRoute from "@/app/api/buckets/[bucket]/imports/[id]/failures/route";
import * as pauseRoute from "@/app/api/buckets/[bucket]/imports/[id]/pause/route";
import * as resumeRoute from "@/app/api/buckets/[bucket]/imports/[id]/resume/route";
import * as cancelRoute from "@/app/api/buckets/[bucket]/imports/[id]/cancel/route";
import * as retryRoute from "@/app/api/buckets/[bucket]/imports/[id]/retry-failed/route";
import type { ImportJobView, ImportState } from "@/lib/imports/import-schema";
import { callRoute, testSessionToken } from "./route-client";
import { waitFor } from "./wait";

export const importRoutes = { listRoute, jobRoute, failuresRoute, pauseRoute, resumeRoute, cancelRoute, retryRoute };

export async function startImport(bucket: string, body: Record<string, unknown>): Promise<ImportJobView> {
  const response = await callRoute(listRoute.POST, { params: { bucket }, body });
  if (response.status !== 201) throw new Error(`starting an import: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ImportJobView;
}

/** POSTs a text/plain key list, streamed in `chunks` as they are produced. */
export async function startImportFromList(bucket: string, chunks: Iterable<string>, query = ""): Promise<{ status: number; body: Record<string, unknown> }> {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.iterator]();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  const request = new Request(`http://localhost/api/buckets/${bucket}/imports${query ? `?${query}` : ""}`, {
    method: "POST",
    headers: { host: "localhost", origin: "http://localhost", cookie: `bos_session=${await testSessionToken()}`, "content-type": "text/plain; charset=utf-8" },
    body: stream,
    duplex: "half",
  } as RequestInit);
  const response = await listRoute.POST(request, { params: Promise.resolve({ bucket }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function readJob(bucket: string, id: number): Promise<ImportJobView> {
  const response = await callRoute(jobRoute.GET, { params: { bucket, id: String(id) } });
  if (response.status !== 200) throw new Error(`reading job ${id}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ImportJobView;
}

export async function waitForJob(bucket: string, id: number, what: string, check: (job: ImportJobView) => boolean): Promise<ImportJobView> {
  let job: ImportJobView | undefined;
  try {
    await waitFor(async () => check((job = await readJob(bucket, id))), `job ${id}: ${what}`);
  } catch (error) {
    throw new Error(`${(error as Error).message} (last seen: ${JSON.stringify(job)}${await failuresOf(bucket, id, job)})`, { cause: error });
  }
  return job!;
}

/** The job's recorded failures, for a stuck test's message: why keys failed is what one needs to know. */
async function failuresOf(bucket: string, id: number, job: ImportJobView | undefined): Promise<string> {
  if (!job || job.failed === 0) return "";
  const response = await callRoute(failuresRoute.GET, { params: { bucket, id: String(id) } }).catch((error: Error) => ({ status: 0, body: error.message }));
  return `; failures: ${JSON.stringify(response.body)}`;
}

export const waitForState = (bucket: string, id: number, state: ImportState) => waitForJob(bucket, id, `state ${state}`, (job) => job.state === state);

export async function jobAction(action: "pause" | "resume" | "cancel" | "retry-failed", bucket: string, id: number) {
  const route = { pause: pauseRoute, resume: resumeRoute, cancel: cancelRoute, "retry-failed": retryRoute }[action];
  return callRoute(route.POST, { params: { bucket, id: String(id) }, method: "POST" });
}
