import { EVENTS_PAGE_SIZE, MAX_EVENTS_PAGE_SIZE, MIRROR_OUTCOMES, isMirrorOutcome } from "@/lib/activity/activity-query";
import { listMirrorEvents } from "@/lib/activity/activity-service";
import { ApiError, type FieldErrors } from "@/lib/api/api-error";
import { apiRoute, json } from "@/lib/api/route-handler";
import type { MirrorOutcomeKind } from "@/lib/origin/mirror-outcome";

type Params = { bucket: string };

/**
 * The bucket's most recent back-to-origin events, newest first. `?outcome=failed` (or several,
 * comma-separated) filters; `?limit=` (1-500, default 50) and `?before={id}` page back.
 */
export const GET = apiRoute<Params>(async (request, { bucket }) => {
  const query = new URL(request.url).searchParams;
  const problems: FieldErrors = {};
  const outcomes = (query.get("outcome") ?? "").split(",").filter(Boolean);
  if (!outcomes.every(isMirrorOutcome)) problems.outcome = [`use one or more of ${MIRROR_OUTCOMES.join(", ")}, comma-separated`];
  const limit = query.has("limit") ? Number(query.get("limit")) : EVENTS_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS_PAGE_SIZE) problems.limit = [`use a whole number from 1 to ${MAX_EVENTS_PAGE_SIZE}`];
  const before = query.has("before") ? Number(query.get("before")) : undefined;
  if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) problems.before = ["use an event id from a previous page"];
  if (Object.keys(problems).length > 0) throw new ApiError("ValidationFailed", "The filter is not valid.", problems);
  return json(await listMirrorEvents(bucket, { outcomes: outcomes as MirrorOutcomeKind[], before, limit }));
});
