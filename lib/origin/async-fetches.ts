/**
 * BOS FetchObject in async mode: an accepted fetch is a background job row (lib/jobs/) before the
 * client hears its jobId, so a restart or a kill -9 does not lose it. The instance that accepted it
 * runs it at once; when that instance is gone, another (or the next start) takes it over and pulls
 * the URL again from the start (nothing partial is ever stored: the pull's commit is the same as a
 * mirror pull's). The pull goes through the engine exactly as a synchronous FetchObject: the same
 * SSRF-guarded client, origin gate (waiting for its turn), verification and commit, replacing a
 * stored object unless a client writes or deletes the key meanwhile.
 */
import { randomBytes } from "node:crypto";
import { OriginFailure } from "@/lib/domain/errors";
import type { BackgroundJobRow, JobEnd } from "@/lib/jobs/job-repository";
import type { JobContext, JobHandler, JobRunner } from "@/lib/jobs/job-runner";
import type { Logger } from "@/lib/observability/logger";
import type { MirrorEngine, PullOutcome } from "./mirror-engine";

export interface AsyncFetchInput {
  bucket: string;
  key: string;
  url: string;
  storageClass: string;
  /** The request that was accepted, to tie the job's log lines to it. */
  requestId: string;
}

const KIND = "fetch-object";

/** Why a pull stored nothing, in words for the job's row and the log; null when it stored the object. */
export function pullFailureReason(outcome: PullOutcome): string | null {
  switch (outcome.outcome) {
    case "pulled":
      return null;
    case "missing":
      return `the source answered 404: ${outcome.error.message}`;
    case "failed":
      return outcome.error instanceof OriginFailure ? outcome.error.detail : outcome.error.message;
    case "skipped":
      return `the object was not stored: ${outcome.reason}`;
    case "noRule":
      return "the fetch had no source";
  }
}

export class AsyncFetches implements JobHandler {
  constructor(
    private readonly engine: Pick<MirrorEngine, "pull">,
    private readonly jobs: JobRunner,
    private readonly logger: Logger,
  ) {
    jobs.handle(KIND, this);
  }

  /** Records the fetch as this instance's job and starts it; returns its jobId (`fo-…`). */
  async accept(bucket: { id: number; name: string }, input: Omit<AsyncFetchInput, "bucket">): Promise<string> {
    const id = `fo-${randomBytes(16).toString("hex")}`;
    const job = await this.jobs.repository.create({ id, kind: KIND, bucketId: bucket.id, owner: this.jobs.instanceId, input: { ...input, bucket: bucket.name } });
    this.jobs.launch(job);
    return id;
  }

  async run(row: BackgroundJobRow, context: JobContext): Promise<JobEnd | null> {
    if (context.stopping) return null;
    const input = JSON.parse(row.input) as AsyncFetchInput;
    const outcome = await this.engine.pull({ id: row.bucketId, name: input.bucket }, input.key, {
      overwrite: true,
      source: "fetch",
      url: { href: input.url, storageClass: input.storageClass },
      // Accepted already: it waits for its turn at the origin rather than being refused.
      queue: "wait",
    });
    const reason = pullFailureReason(outcome);
    return reason === null ? { state: "completed", done: 1 } : { state: "failed", error: reason };
  }

  async ended(row: BackgroundJobRow): Promise<void> {
    if (row.state !== "failed") return;
    const input = JSON.parse(row.input) as AsyncFetchInput;
    // The engine logs the outcome with its reason; this line ties it to the request and its jobId.
    this.logger.debug({ requestId: input.requestId, jobId: row.id, bucket: input.bucket, key: input.key, reason: row.error }, "async FetchObject failed");
  }
}
