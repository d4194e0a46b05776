/**
 * Failures of the machinery underneath a request that each protocol answers with a status of its
 * own rather than a 500, as a domain error: a full disk, database or blob store (507), and a
 * database too busy to serve the request in time (503 with Retry-After). Every protocol asks here,
 * so the three answer alike.
 */
import { DatabaseBusy, StorageFull, type DomainError } from "@/lib/domain/errors";
import { isDatabaseBusy } from "@/lib/db/database-busy";
import { isStorageFull } from "@/lib/storage/storage-full";
import { currentApp } from "./current-app";

export function knownFailure(error: unknown): DomainError | null {
  if (isStorageFull(error)) return new StorageFull();
  if (isDatabaseBusy(error)) return new DatabaseBusy();
  return null;
}

/**
 * The domain error a protocol answers for `error`, logged with the request id (the operator needs
 * the original: a full disk is an error to act on, a busy database a warning of overload), or null
 * when `error` is not one of these (the protocol then answers 500 and logs it). Both last for many
 * requests at once, so each is logged in full once per window with a count of the rest
 * (repeated-failure-log.ts).
 */
export function answerableFailure(error: unknown, requestId: string): DomainError | null {
  const known = knownFailure(error);
  if (!known) return null;
  const { repeatedFailures } = currentApp().telemetry;
  if (known instanceof StorageFull) repeatedFailures.log("error", "storage-full", { requestId, err: error }, "storage full");
  else repeatedFailures.log("warn", "database-busy", { requestId, err: error }, "database busy: answered 503");
  return known;
}
