/**
 * Runs background jobs (job-repository.ts) so that no instance's memory holds them alone: the
 * instance that accepts a job records it as its own and runs it at once; every instance looks at
 * the running jobs every `pollIntervalMs`, and takes over (compare-and-set on the owner) those
 * whose instance is gone (its lease expired, or its process is gone from this host), going on from
 * the job's checkpoint. A restarted process has a new instance id, so it takes over its previous
 * life's jobs the same way. Import jobs have their own runner (lib/imports/import-runner.ts): they
 * queue per bucket, pause and resume, and count items; these jobs only run to their end.
 */
import type { Logger } from "@/lib/observability/logger";
import type { Prisma } from "@/lib/generated/prisma/client";
import { JobLost, JobRepository, type BackgroundJobRow, type JobEnd, type JobKind, type JobProgress } from "./job-repository";

export interface JobContext {
  /** True once this instance shuts down or the job went on elsewhere: stop at the next step (the job stays running for whoever goes on). */
  readonly stopping: boolean;
  /** Records progress; throws JobLost when another instance has taken the job over. */
  progress(progress: JobProgress): Promise<void>;
}

export interface JobHandler {
  /** Runs the job from its row's checkpoint; resolves with how it ended, or null when it stopped (`stopping`) and goes on later. */
  run(job: BackgroundJobRow, context: JobContext): Promise<JobEnd | null>;
  /** Written in the transaction that records the job's end (the audit log): both or neither. */
  recordEnd?(job: BackgroundJobRow, tx: Prisma.TransactionClient): Promise<void>;
  /** Once the end is committed, by the instance that recorded it (a log line). */
  ended?(job: BackgroundJobRow): Promise<void>;
}

export interface JobRunnerDeps {
  db: JobRepository;
  /** This instance among those sharing the database (lib/fleet/instance-registry.ts). */
  instance: { readonly id: string; liveIds(): Promise<Set<string>> };
  logger: Logger;
}

export interface JobRunnerOptions {
  /** How often running jobs are looked at for one whose instance is gone. */
  pollIntervalMs: number;
}

export const DEFAULT_JOB_RUNNER_OPTIONS: JobRunnerOptions = { pollIntervalMs: 1_000 };

interface Run {
  stopping: boolean;
  done: Promise<void>;
}

export class JobRunner {
  private readonly runs = new Map<string, Run>();
  /**
   * Jobs whose run here ended since the running tick read the running jobs: that list may still
   * show them running (read before their end was recorded), and they must not run again.
   */
  private readonly endedSinceRead = new Set<string>();
  private readonly handlers = new Map<JobKind, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly options: JobRunnerOptions = DEFAULT_JOB_RUNNER_OPTIONS,
  ) {}

  get repository(): JobRepository {
    return this.deps.db;
  }

  get instanceId(): string {
    return this.deps.instance.id;
  }

  /** How `kind` runs (each job kind's module registers itself when the app is built). */
  handle(kind: JobKind, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Starts looking for jobs to take over (the server calls it after start-up recovery). */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  private wake(): void {
    this.ticking ??= this.tick()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, "the job runner could not look at its jobs"))
      .finally(() => (this.ticking = null));
  }

  private async tick(): Promise<void> {
    const me = this.deps.instance.id;
    this.endedSinceRead.clear();
    const jobs = await this.deps.db.running();
    const owners = new Map(jobs.map((job) => [job.id, job.ownerInstance]));
    // A run stops when its job ended or went on elsewhere (this instance was taken for dead).
    for (const [id, run] of this.runs) if (owners.get(id) !== me) run.stopping = true;
    let live: Set<string> | null = null;
    for (const job of jobs) {
      if (this.closed || this.runs.has(job.id) || this.endedSinceRead.has(job.id)) continue;
      if (job.ownerInstance !== me) {
        live ??= await this.deps.instance.liveIds();
        if (job.ownerInstance !== null && live.has(job.ownerInstance)) continue;
        if (!(await this.deps.db.takeOver(job.id, job.ownerInstance, me))) continue;
        this.deps.logger.info({ job: job.id, kind: job.kind, bucket: job.bucket.name, from: job.ownerInstance }, "a job whose instance is gone goes on here");
      }
      this.launch({ ...job, ownerInstance: me });
    }
  }

  /** Runs a job this instance owns (just created, or taken over); does nothing if it runs already. */
  launch(job: BackgroundJobRow): void {
    const handler = this.handlers.get(job.kind as JobKind);
    if (this.closed || this.runs.has(job.id) || !handler) return;
    const owner = this.deps.instance.id;
    const run: Run = { stopping: false, done: Promise.resolve() };
    const context: JobContext = {
      get stopping() {
        return run.stopping;
      },
      progress: (progress) => this.deps.db.progress(job.id, owner, progress),
    };
    run.done = this.execute(job, handler, context, owner).finally(() => {
      this.runs.delete(job.id);
      this.endedSinceRead.add(job.id);
    });
    this.runs.set(job.id, run);
  }

  private async execute(job: BackgroundJobRow, handler: JobHandler, context: JobContext, owner: string): Promise<void> {
    let end: JobEnd | null;
    try {
      end = await handler.run(job, context);
    } catch (error) {
      if (error instanceof JobLost) return;
      end = { state: "failed", error: error instanceof Error ? error.message : String(error) };
    }
    // Stopped (a shutdown): the job stays running, for the next instance or start to go on with.
    if (end === null) return;
    let ended: BackgroundJobRow | null;
    try {
      ended = await this.deps.db.finish(job.id, owner, end, handler.recordEnd && ((row, tx) => handler.recordEnd!(row, tx)));
    } catch (error) {
      // Nothing of the end was written: the job stays running and owned here, and the next poll
      // runs it again from its checkpoint.
      this.deps.logger.error({ err: error, job: job.id, kind: job.kind }, "recording a job's end failed; it runs again");
      return;
    }
    if (ended) await handler.ended?.(ended).catch((error: unknown) => this.deps.logger.error({ err: error, job: job.id, kind: job.kind }, "after a job's end"));
  }

  /** Jobs running in this process (tests). */
  get runningJobIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Stops the runs after their current step and waits for them; the jobs stay running, to go on elsewhere or at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    for (const run of this.runs.values()) run.stopping = true;
    await Promise.allSettled([...this.runs.values()].map((run) => run.done));
  }
}
