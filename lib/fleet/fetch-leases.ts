/**
 * Single-flight across instances: a FetchLease row per key being pulled, held by one instance. A
 * row, not a transaction-scoped lock: a pull can take minutes, and a lock would pin a pooled
 * connection (and a transaction) for all that time. The holder's heartbeat renews it
 * (instance-registry.ts); a holder killed with -9 stops renewing, and once `expiresAt` passes the
 * next instance to miss the key takes it over.
 *
 * Isolation: acquiring is an INSERT (the primary key on bucket and key lets one through), or else
 * one conditional UPDATE of a row that is expired or ended; PostgreSQL re-checks an UPDATE's WHERE
 * on the row it locks (read committed), SQLite runs one writer at a time, so of two instances
 * taking one expired lease exactly one sees count 1. Releasing and recording an outcome are
 * conditional on the acquisition's token, so a holder that lost its lease cannot touch the next one.
 *
 * Durability: a lease describes a pull in progress, which a power loss ends anyway, so on SQLite a
 * lease write alone in its commit does not wait for the disk (lib/db/adapter.ts,
 * SQLITE_UNSYNCED_TABLES): taking a free lease (an INSERT), giving one up (a DELETE), and a delete's
 * supersede mark (an UPDATE; the delete's own commit follows it in the log and syncs both). Prisma
 * runs an updateMany inside a transaction, which syncs: takeovers and outcomes.
 *
 * Taking a free lease, giving one up after a commit, looking at one, and the supersede mark and
 * lease check that commits make are direct statements (lib/db/direct-sql.ts): the first is on every
 * mirror miss's way to its first byte, where Prisma's per-query compilation cost ~1 ms each, the
 * last two in every commit's transaction. Takeovers and outcomes stay Prisma's.
 */
import { randomUUID } from "node:crypto";
import { directSql, readDate, readOptionalString, readString, type DirectSql } from "@/lib/db/direct-sql";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { FetchLeaseState, FetchLeases as FetchLeasesPort, LeaseEnd } from "@/lib/origin/cluster-flight";

/** Keys marked per statement (bound parameters stay far below both databases' limits). */
const SUPERSEDE_BATCH = 500;

/**
 * A client writes or deletes keys: every pull of them in progress, on any instance, loses (its
 * commit checks the mark with keepsFetchLease). Run before the delete looks for the row, or in the
 * write's own transaction (`sql` then runs inside it: DirectSql.within). Alone, on SQLite, the mark
 * commits without an fsync like the lease's other writes; the delete's own commit, which follows it
 * in the write-ahead log, syncs both.
 */
export async function supersedeFetchLeases(sql: DirectSql, bucketId: number, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += SUPERSEDE_BATCH) {
    const batch = keys.slice(i, i + SUPERSEDE_BATCH);
    await sql.execute(
      `UPDATE "FetchLease" SET "superseded" = ? WHERE "bucketId" = ? AND "key" IN (${batch.map(() => "?").join(", ")}) AND "outcome" IS NULL AND "superseded" = ?`,
      [true, bucketId, ...batch, false],
    );
  }
}

const KEEP_LEASE = 'UPDATE "FetchLease" SET "superseded" = ? WHERE "bucketId" = ? AND "key" = ? AND "token" = ? AND "superseded" = ?';

/**
 * In a pull's commit transaction (`tx`: DirectSql.within): whether acquisition `token` still holds
 * the key's lease and no client wrote or deleted the key since. A write, not a read, so that it
 * orders with supersedeFetchLeases on the row: on PostgreSQL the row stays locked until this commit
 * (a delete marking it waits, then finds the committed object and deletes it), and a mark committed
 * after this transaction's snapshot makes it fail with a serialization error and run again (it
 * then sees the mark); SQLite has one writer at a time.
 */
export async function keepsFetchLease(tx: DirectSql, bucketId: number, key: string, token: string): Promise<boolean> {
  return (await tx.execute(KEEP_LEASE, [false, bucketId, key, token, false])) === 1;
}

/** Takes the lease when no row holds the key; changes nothing (0 rows) when one does. */
const INSERT_LEASE =
  'INSERT INTO "FetchLease" ("bucketId", "key", "owner", "token", "expiresAt", "outcome", "reason", "superseded") VALUES (?, ?, ?, ?, ?, NULL, NULL, ?) ON CONFLICT ("bucketId", "key") DO NOTHING';
const DELETE_LEASE = 'DELETE FROM "FetchLease" WHERE "bucketId" = ? AND "key" = ? AND "token" = ?';
const LOOK_LEASE = 'SELECT "token", "expiresAt", "outcome", "reason" FROM "FetchLease" WHERE "bucketId" = ? AND "key" = ?';

export class PrismaFetchLeases implements FetchLeasesPort {
  constructor(
    private readonly db: () => PrismaClient,
    /** This instance: its id, its lease, and the database's clock every expiry is compared with. */
    private readonly instance: { readonly id: string; readonly leaseMs: number; now(): Date },
  ) {}

  async acquire(bucketId: number, key: string): Promise<{ token: string } | null> {
    const token = randomUUID();
    const now = this.instance.now();
    const lease = { owner: this.instance.id, token, expiresAt: new Date(now.getTime() + this.instance.leaseMs), outcome: null, reason: null, superseded: false };
    if ((await directSql(this.db()).execute(INSERT_LEASE, [bucketId, key, lease.owner, token, lease.expiresAt, false])) === 1) return { token };
    const { count } = await this.db().fetchLease.updateMany({
      where: { bucketId, key, OR: [{ expiresAt: { lte: now } }, { outcome: { not: null } }] },
      data: lease,
    });
    return count === 1 ? { token } : null;
  }

  async look(bucketId: number, key: string): Promise<FetchLeaseState | null> {
    const [row] = await directSql(this.db()).query(LOOK_LEASE, [bucketId, key]);
    if (!row) return null;
    const outcome = readOptionalString(row.outcome);
    const ended: LeaseEnd | null = outcome === "missing" || outcome === "failed" ? { outcome, reason: readOptionalString(row.reason) ?? "" } : null;
    return { token: readString(row.token), expired: readDate(row.expiresAt).getTime() <= this.instance.now().getTime(), ended };
  }

  async release(bucketId: number, key: string, token: string, ended: LeaseEnd | null): Promise<void> {
    if (ended === null) {
      await directSql(this.db()).execute(DELETE_LEASE, [bucketId, key, token]);
      return;
    }
    // Kept with its outcome, so that followers waiting on this acquisition answer as its clients did;
    // an ended lease is free for the next acquisition.
    await this.db().fetchLease.updateMany({ where: { bucketId, key, token }, data: { outcome: ended.outcome, reason: ended.reason, expiresAt: this.instance.now() } });
  }
}
