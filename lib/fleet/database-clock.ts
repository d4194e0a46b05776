/**
 * The one clock every instance's leases are written and compared with: the database's. A lease's
 * expiry is written by one instance and read by another, perhaps on another host; with each
 * host's own clock, a host whose clock runs ahead takes live instances' leases for expired (and
 * pulls a key twice, or takes over a job that is still running), and one whose clock runs behind
 * looks dead to the others while it works.
 *
 * Prisma writes the values it is given, so the database's time is not put into each statement:
 * instead the instance measures the offset between its clock and the database's at every heartbeat
 * (one query: `clock_timestamp()` on PostgreSQL, the server's clock; on SQLite the clock of the
 * host's operating system, which all instances over one SQLite file share), and `now()` is its own
 * clock moved by that offset. The error is at most half the query's round trip, plus whatever the
 * host's clock drifts between two heartbeats (a third of a lease); a clock step is corrected at the
 * next heartbeat.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";

/** Reads the database's current time, in milliseconds since the epoch. */
export type DatabaseTimeReader = () => Promise<number>;

export function databaseTimeReader(db: () => PrismaClient, provider: "sqlite" | "postgresql"): DatabaseTimeReader {
  return async () => {
    const rows =
      provider === "postgresql"
        ? await db().$queryRaw<{ now: unknown }[]>`SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS now`
        : // julianday('now') has millisecond precision; 2440587.5 is the Unix epoch as a Julian day.
          await db().$queryRaw<{ now: unknown }[]>`SELECT (julianday('now') - 2440587.5) * 86400000.0 AS now`;
    const now = Number(rows[0]?.now);
    if (!Number.isFinite(now)) throw new Error(`the database answered ${String(rows[0]?.now)} for the current time`);
    return now;
  };
}

export class DatabaseClock {
  /** The database's clock minus this host's; 0 until the first measurement. */
  private offsetMs = 0;

  constructor(
    private readonly readDatabaseTime: DatabaseTimeReader,
    private readonly localNow: () => number = Date.now,
  ) {}

  /** The database's time now, by this host's clock and the last measured offset. */
  now(): Date {
    return new Date(this.localNow() + this.offsetMs);
  }

  /** How far this host's clock is behind the database's (negative: ahead), as last measured. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Measures the offset again (the middle of the round trip is taken as the moment the database read its clock). */
  async sync(): Promise<void> {
    const sent = this.localNow();
    const databaseTime = await this.readDatabaseTime();
    const received = this.localNow();
    this.offsetMs = Math.round(databaseTime - (sent + received) / 2);
  }
}
