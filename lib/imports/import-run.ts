/**
 * One run of one import job: claims the job's keys in order, pulls each through the engine (the
 * bucket's matching rule, as a GET miss; the same single flight as live GETs) with at most
 * `concurrency` at a time and within the job's rate caps, and records every outcome. An origin
 * source is listed a page at a time as the claimed keys run out. A run ends when every key is
 * done (the job completes), or when asked to stop (pause, cancel, shutdown): it starts nothing
 * more, lets the pulls under way finish and records them.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { OriginFailure } from "@/lib/domain/errors";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { findMatchingRule } from "@/lib/mirroring/rule-set";
import type { ObjectService } from "@/lib/objects/object-service";
import type { PullOptions, PullOutcome } from "@/lib/origin/mirror-engine";
import { sourceOf, type ClaimedItem, type ImportJobRow, type ImportRepository, type ItemResult } from "./import-repository";
import { ImportThrottle } from "./import-throttle";
import { listingKeyProblem } from "./listing-key-mapping";
import { OriginListingFailed, type OriginLister } from "./origin-listing";
import { OutcomeRecorder } from "./outcome-recorder";

/** Keys claimed at a time: small enough that a stop leaves few claimed, large enough to keep reads rare. */
const CLAIM_BATCH = 256;
/**
 * Keys started between two turns of the event loop. A pull that ends without an origin request
 * (the key was stored meanwhile) settles in promise callbacks only (better-sqlite3 answers
 * synchronously), so without these turns a run of such keys would starve every timer and socket
 * of the process. (Keys known to need none are settled a batch at a time: settleWithoutOrigin.)
 */
const KEYS_PER_TURN = 8;
/**
 * Outcomes waiting to be written at most before the run stops starting keys and writes them
 * itself: when the database is not taking them (a full disk), the run stops there (and starts
 * again later) rather than racing through the list with nothing recorded.
 */
const MAX_UNWRITTEN = 1024;

export interface ImportRunDeps {
  repository: ImportRepository;
  objects: ObjectService;
  pull: (bucket: { id: number; name: string }, key: string, options: PullOptions) => Promise<PullOutcome>;
  /** The job's origin lister, for origin sources. */
  lister: OriginLister | null;
  /** The bucket's enabled rules: a listing stops under a rule that rewrites keys. */
  rulesFor: (bucketId: number) => Promise<StoredMirrorRule[]>;
  flushIntervalMs: number;
  log: (message: string) => void;
}

function describe(error: Error): string {
  return error instanceof OriginFailure ? error.detail : error.message;
}

const ALREADY_STORED: PullOutcome = { outcome: "skipped", reason: "already stored" };
const NO_RULE: PullOutcome = { outcome: "noRule" };

export function resultOf(id: number, pulled: PullOutcome): ItemResult {
  switch (pulled.outcome) {
    case "pulled":
      return { id, outcome: "pulled", reason: null, bytes: pulled.object.size };
    case "skipped":
      return { id, outcome: "skipped", reason: pulled.reason, bytes: 0 };
    case "missing":
      return { id, outcome: "missing", reason: pulled.error.message, bytes: 0 };
    case "noRule":
      return { id, outcome: "noRule", reason: "no mirror rule of the bucket matches this key", bytes: 0 };
    case "failed":
      return { id, outcome: "failed", reason: describe(pulled.error), bytes: 0 };
  }
}

export class ImportRun {
  readonly done: Promise<void>;
  private stopRequested = false;
  private wakeStop: () => void = () => undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.wakeStop = resolve));

  constructor(
    private readonly job: ImportJobRow,
    private readonly bucketName: string,
    private readonly deps: ImportRunDeps,
  ) {
    this.done = this.run();
  }

  get jobId(): number {
    return this.job.id;
  }

  /** Starts nothing more; `done` resolves once the pulls under way are recorded. */
  stop(): void {
    this.stopRequested = true;
    this.wakeStop();
  }

  private async run(): Promise<void> {
    const { repository } = this.deps;
    const job = this.job;
    const startedAt = job.startedAt ?? new Date();
    // Launched from a list read before the job was paused, cancelled, ended or taken over: nothing to do.
    if (!(await repository.runStarted(job, new Date(), job.ownerInstance))) return;
    const recorder = new OutcomeRecorder(repository, job.id, this.deps.flushIntervalMs, (error) =>
      this.deps.log(`import job ${job.id}: writing outcomes failed, they are kept and written again: ${error.message}`),
    );
    const throttle = new ImportThrottle(job);
    const inFlight = new Set<Promise<void>>();
    let listed = job.listed;
    let cursor = job.listCursor;
    let afterId = 0;
    let finished = false;
    let unstarted: number[] = [];
    let failure: unknown = null;
    try {
      while (!this.stopRequested) {
        const batch = await repository.claim(job.id, afterId, CLAIM_BATCH);
        if (batch.length < CLAIM_BATCH && !listed) {
          // The listed keys are running out: list the next page first (its keys come after these).
          const page = await this.listPage(cursor);
          if (page === null) break;
          cursor = page.cursor;
          listed = cursor === null;
          if (batch.length === 0) continue;
        }
        if (batch.length === 0) {
          finished = true;
          break;
        }
        afterId = batch.at(-1)!.id;
        if (recorder.unwritten >= MAX_UNWRITTEN) await recorder.flush();
        unstarted = batch.map((item) => item.id);
        const { settled, toPull } = await this.settleWithoutOrigin(batch, startedAt);
        recorder.addAll(settled);
        // A batch settled here took database queries only, which settle in promise callbacks.
        await nextTurn();
        unstarted = toPull.map((item) => item.id);
        for (const item of toPull) {
          while (inFlight.size >= job.concurrency) await Promise.race(inFlight);
          if (recorder.unwritten >= MAX_UNWRITTEN) await recorder.flush();
          if (!(await this.waitForThrottle(throttle))) break;
          unstarted.shift();
          if (item.id % KEYS_PER_TURN === 0) await nextTurn();
          const work = this.process(item).then((result) => {
            throttle.chargeBytes(result.bytes);
            recorder.add(result);
          });
          const tracked = work.finally(() => inFlight.delete(tracked));
          inFlight.add(tracked);
        }
        if (this.stopRequested) break;
        unstarted = [];
      }
    } catch (error) {
      failure = error;
      finished = false;
    } finally {
      await Promise.allSettled(inFlight);
      await repository.release(unstarted).catch(() => undefined);
      try {
        await recorder.flush();
      } catch (error) {
        // Their items stay claimed: the next run does them again (and finds what was stored).
        this.deps.log(`import job ${job.id}: ${recorder.unwritten} outcomes could not be written: ${(error as Error).message}`);
        failure ??= error;
        finished = false;
      }
    }
    const counts = finished ? await repository.findById(job.id) : null;
    await repository.runEnded(job.id, new Date(), counts ? (counts.failed > 0 ? "completed_with_failures" : "completed") : null);
    if (failure) throw failure;
  }

  /** Waits out the rate caps; false when asked to stop meanwhile. */
  private async waitForThrottle(throttle: ImportThrottle): Promise<boolean> {
    for (;;) {
      if (this.stopRequested) return false;
      const delay = throttle.delayBeforeRequest();
      if (delay === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, delay))), this.stopped]);
      clearTimeout(timer);
    }
  }

  /** One page of the origin's listing, saved with its cursor; null when listing failed (the job pauses). */
  private async listPage(cursor: string | null): Promise<{ cursor: string | null } | null> {
    const { repository, lister } = this.deps;
    if (!lister) return { cursor: null };
    try {
      // The rules may have changed since the job was created (which refuses a rewriting rule).
      const source = sourceOf(this.job);
      const rewriting = listingKeyProblem(await this.deps.rulesFor(this.job.bucketId), source.type === "keys" ? "" : source.prefix);
      if (rewriting) throw new OriginListingFailed(rewriting);
      const page = await lister(cursor);
      await repository.addListedPage(this.job.id, page.keys, page.cursor);
      return page;
    } catch (error) {
      const reason = error instanceof OriginListingFailed ? error.message : `listing the origin failed: ${(error as Error).message}`;
      this.deps.log(`import job ${this.job.id} paused: ${reason}`);
      await repository.transition(this.job.id, ["running"], "paused", { error: reason });
      return null;
    }
  }

  /**
   * The claimed keys whose outcome needs no origin request, found for the whole batch in one
   * query: keys the bucket holds (unless the job overwrites), and keys no rule of the bucket
   * matches. The engine's pull would answer them the same (skipped "already stored", noRule), at
   * a few queries each. A key claimed by a run that died before recording it, and stored by a
   * pull since the job started, was stored by that run's pull (or a GET's it shared): pulled.
   */
  private async settleWithoutOrigin(batch: ClaimedItem[], startedAt: Date): Promise<{ settled: ItemResult[]; toPull: ClaimedItem[] }> {
    const job = this.job;
    const stored = job.overwrite ? new Map() : await this.deps.objects.findKeys(job.bucketId, batch.map((item) => item.key));
    const rules = await this.deps.rulesFor(job.bucketId);
    const settled: ItemResult[] = [];
    const toPull: ClaimedItem[] = [];
    for (const item of batch) {
      const object = stored.get(item.key);
      if (object && item.interrupted && object.sourceUrl !== null && object.lastModified >= startedAt) settled.push({ id: item.id, outcome: "pulled", reason: null, bytes: object.size });
      else if (object) settled.push(resultOf(item.id, ALREADY_STORED));
      else if (!findMatchingRule(rules, item.key)) settled.push(resultOf(item.id, NO_RULE));
      else toPull.push(item);
    }
    return { settled, toPull };
  }

  private async process(item: ClaimedItem): Promise<ItemResult> {
    const job = this.job;
    return resultOf(item.id, await this.deps.pull({ id: job.bucketId, name: this.bucketName }, item.key, { overwrite: job.overwrite, source: "import" }));
  }
}
