/**
 * This instance among the others sharing the database: its identity and its lease. The Instance row
 * is the lease: a heartbeat renews it (and, in the same beat, every fetch lease the instance holds),
 * and once its `expiresAt` passes the other instances treat the instance as dead: its fetch leases
 * can be taken, its import jobs resumed, its write-journal entries and temporary files cleaned up.
 *
 * The id is new at every start (the configured name, or the host name, plus the process id and a
 * random suffix), so a restarted instance never mistakes what its previous life left for live work.
 * Every expiry is written and compared in the database's time (database-clock.ts), never one host's
 * against another's: the offset to it is measured again at every heartbeat.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DatabaseClock, type DatabaseTimeReader } from "./database-clock";

export interface InstanceOptions {
  /** INSTANCE_NAME; the host name when unset. */
  name: string | undefined;
  /** How long a heartbeat keeps the instance alive; it beats three times per lease. */
  leaseMs: number;
  /** Told when a beat fails (the database is unreachable): the instance may be taken for dead. */
  onBeatError: (error: unknown) => void;
  /** The database's clock (database-clock.ts); absent: this host's clock (tools, tests with one instance). */
  databaseTime?: DatabaseTimeReader;
}

/** Rows of instances dead this long are deleted (what they left was cleaned up long before). */
const FORGET_DEAD_AFTER_MS = 24 * 3_600_000;
/** Fetch leases ended or expired this long ago are deleted (followers poll far more often). */
const FORGET_ENDED_LEASES_AFTER_MS = 60_000;

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class InstanceRegistry {
  readonly id: string;
  /** The clock every lease's expiry is written and compared with. */
  readonly clock: DatabaseClock;
  private timer: NodeJS.Timeout | null = null;
  private registering: Promise<void> | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly db: () => PrismaClient,
    private readonly options: InstanceOptions,
  ) {
    const label = (options.name ?? hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 48)) || "instance";
    this.id = `${label}.${process.pid}.${randomBytes(4).toString("hex")}`;
    this.clock = new DatabaseClock(options.databaseTime ?? (async () => Date.now()));
  }

  /** The database's time now (what every lease expiry is compared with). */
  now(): Date {
    return this.clock.now();
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  /** Writes this instance's row and starts the heartbeat (once; later calls wait for the first). */
  register(): Promise<void> {
    this.registering ??= this.start();
    // A failed registration (a full disk) is tried again at the next call.
    this.registering.catch(() => (this.registering = null));
    return this.registering;
  }

  private async start(): Promise<void> {
    await this.clock.sync();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.options.leaseMs);
    await this.db().instance.create({ data: { id: this.id, host: hostname(), pid: process.pid, startedAt: now, heartbeatAt: now, expiresAt } });
    this.timer = setInterval(() => {
      this.beating ??= this.beat()
        .catch(this.options.onBeatError)
        .finally(() => (this.beating = null));
    }, Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  /**
   * Renews this instance's lease and the fetch leases it holds. Read committed is enough: each
   * update touches only this instance's own rows. A row deleted meanwhile (the instance was taken
   * for dead during a long stall) is written again: what others took over stays theirs (a fetch
   * lease taken by another instance has another owner now), and this instance goes on.
   */
  async beat(): Promise<void> {
    await this.clock.sync();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.options.leaseMs);
    const { count } = await this.db().instance.updateMany({ where: { id: this.id }, data: { heartbeatAt: now, expiresAt } });
    if (count === 0) {
      await this.db().instance.create({ data: { id: this.id, host: hostname(), pid: process.pid, startedAt: now, heartbeatAt: now, expiresAt } });
    }
    await this.db().fetchLease.updateMany({ where: { owner: this.id, outcome: null }, data: { expiresAt } });
    // Leases that ended or expired a while ago: no follower waits on them any more.
    await this.db().fetchLease.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - FORGET_ENDED_LEASES_AFTER_MS) } } });
    await this.db().instance.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - FORGET_DEAD_AFTER_MS) } } });
  }

  /**
   * Ids of the instances alive now (this one included, registered first if need be): their lease
   * has not expired, and, on this host, their process still exists (one killed with -9 and
   * restarted is dead at once, not a lease later). Instances on one host share its process ids:
   * containers that share a data directory need distinct host names or one pid namespace.
   */
  async liveIds(): Promise<Set<string>> {
    await this.register();
    const rows = await this.db().instance.findMany({ where: { expiresAt: { gt: this.now() } }, select: { id: true, host: true, pid: true } });
    const live = new Set([this.id]);
    for (const row of rows) {
      if (row.id !== this.id && row.host === hostname() && !processExists(row.pid)) {
        // Its fetch leases are free now too, rather than once they expire.
        await this.db().fetchLease.updateMany({ where: { owner: row.id, outcome: null }, data: { expiresAt: this.now() } });
        await this.db().instance.deleteMany({ where: { id: row.id } });
        continue;
      }
      live.add(row.id);
    }
    return live;
  }

  /** Stops the heartbeat and gives the lease up (a clean stop: nothing of this instance is live any more). */
  async close(): Promise<void> {
    await this.registering?.catch(() => undefined);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await this.db()
      .instance.deleteMany({ where: { id: this.id } })
      .catch(() => undefined);
  }
}
