/**
 * Single-flight across instances, around the engine's single flight within one: before an instance
 * asks an origin for a key it takes the key's fetch lease (lib/fleet/fetch-leases.ts). Misses of the
 * key on this instance share its one claim, so the database sees one lease request per instance
 * and key however many clients miss.
 *
 * The design, for a miss on an instance that does not hold the lease: it waits for the commit. It
 * polls the database (every `pollMs`) until the object is stored (and serves it like any stored
 * object: identical bytes, the same row), the holder records that it failed (the same answer its
 * own clients got: 404 or MirrorFailed), or the lease expires (its holder died: this instance takes
 * the lease and pulls the key itself). It waits at most `followMs` (ORIGIN_HEADERS_TIMEOUT_MS: as
 * long as a client would wait for an origin's first byte), then answers SlowDown with Retry-After,
 * as when an origin's queue is full. So a follower's first byte comes only after the commit: for a
 * large cold object behind a slow origin, clients on other instances are told to come back, while
 * those on the leading instance stream it as it arrives. Reading through the leader would avoid
 * that, at the price of instances calling each other; this design needs nothing but the database.
 */
import { OriginFailure, OriginNotFound, PreviousPullEnding, PullElsewhere, type OriginFailureKind } from "@/lib/domain/errors";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { MirrorFetch } from "./mirror-fetch";

/** How a lease's pull ended without storing anything, kept for the followers. */
export interface LeaseEnd {
  outcome: "missing" | "failed";
  /** JSON: the addresses tried (missing), or the failure's kind and client-safe message (failed). */
  reason: string;
}

export interface FetchLeaseState {
  token: string;
  expired: boolean;
  ended: LeaseEnd | null;
}

/** The lease table (lib/fleet/fetch-leases.ts implements it over the database). */
export interface FetchLeases {
  /** The lease when it was free (absent, expired or ended), else null. */
  acquire(bucketId: number, key: string): Promise<{ token: string } | null>;
  look(bucketId: number, key: string): Promise<FetchLeaseState | null>;
  /** Gives the lease up: deleted after a commit (`ended` null), else kept with how the pull ended. */
  release(bucketId: number, key: string, token: string, ended: LeaseEnd | null): Promise<void>;
}

export type Led = { kind: "flight"; flight: MirrorFetch } | { kind: "stored"; object: ObjectRecord };

export interface LeadOptions {
  /** This instance's running flight of the key, joined without asking the database. */
  running: () => MirrorFetch | undefined;
  /**
   * Starts this instance's flight once it holds the lease, under acquisition `leaseToken` (its
   * commit checks that no client wrote or deleted the key meanwhile, on any instance). May throw:
   * nothing to fetch.
   */
  start: (leaseToken: string) => MirrorFetch;
  /** A stored object ends it (a GET miss); false for a pull that overwrites. */
  skipIfStored: boolean;
}

export interface ClusterFlightOptions {
  followMs: number;
  pollMs: number;
}

function endOf(error: unknown): LeaseEnd {
  if (error instanceof OriginNotFound) return { outcome: "missing", reason: JSON.stringify(error.tried) };
  const kind: OriginFailureKind = error instanceof OriginFailure ? error.kind : "network";
  return { outcome: "failed", reason: JSON.stringify({ kind, message: (error as Error).message }) };
}

function errorOf(ended: LeaseEnd): Error {
  if (ended.outcome === "missing") return new OriginNotFound(JSON.parse(ended.reason) as string[]);
  const { kind, message } = JSON.parse(ended.reason) as { kind: OriginFailureKind; message: string };
  return new OriginFailure(kind, message);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A key's entry in this instance's maps of claims and releases. */
const flightId = (bucketId: number, key: string) => `${bucketId}\0${key}`;

export class ClusterFlights {
  private readonly claims = new Map<string, Promise<Led>>();
  /**
   * This instance's leases being given up after their flight ended, by key. A miss of the key here
   * waits for it: without that, a miss arriving just after a failed flight answered its clients
   * found the lease still held, followed it, and was told that earlier failure instead of asking
   * the origin again (the direct lease statements made that window wide enough to hit).
   */
  private readonly releasing = new Map<string, Promise<void>>();
  private following = 0;

  constructor(
    private readonly leases: FetchLeases,
    /** The stored object, read from the database (never from a cache that may not know yet). */
    private readonly findStored: (bucketId: number, key: string) => Promise<ObjectRecord | null>,
    private readonly options: ClusterFlightOptions,
    /** Told when a lease could not be given up (it then expires by itself). */
    private readonly onReleaseError: (error: unknown) => void,
  ) {}

  /** Resolves once the leases being given up now are (the app is closing: before the database goes). */
  async settle(): Promise<void> {
    await Promise.all([...this.releasing.values()]);
  }

  /** Keys whose misses here wait for another instance's fetch now (metrics). */
  get waitingKeys(): number {
    return this.following;
  }

  lead(bucket: { id: number; name: string }, key: string, options: LeadOptions): Promise<Led> {
    const running = options.running();
    if (running) return Promise.resolve({ kind: "flight", flight: running });
    const id = flightId(bucket.id, key);
    const pending = this.claims.get(id);
    if (pending) return pending;
    // The wait for a release counts towards followMs, as following does.
    const deadline = Date.now() + this.options.followMs;
    const released = this.releasing.get(id);
    const claim: Promise<Led> = (released ? this.untilReleased(released, bucket, key, deadline).then(() => this.claim(bucket, key, options, deadline)) : this.claim(bucket, key, options, deadline)).finally(() => {
      if (this.claims.get(id) === claim) this.claims.delete(id);
    });
    this.claims.set(id, claim);
    return claim;
  }

  /** Waits for this instance's release of the key's lease (which never fails), until `deadline`. */
  private async untilReleased(released: Promise<void>, bucket: { name: string }, key: string, deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()))));
    try {
      if ((await Promise.race([released, late])) === "late") throw new PreviousPullEnding(bucket.name, key, 1);
    } finally {
      clearTimeout(timer);
    }
  }

  private async claim(bucket: { id: number; name: string }, key: string, options: LeadOptions, deadline: number): Promise<Led> {
    for (;;) {
      const lease = await this.leases.acquire(bucket.id, key);
      if (lease) return this.startHolding(bucket.id, key, lease.token, options);
      this.following += 1;
      try {
        const outcome = await this.follow(bucket, key, deadline);
        if (outcome) return outcome;
      } finally {
        this.following -= 1;
      }
    }
  }

  /** This instance holds the lease: the key may have been stored just before it was free; else fetch. */
  private async startHolding(bucketId: number, key: string, token: string, options: LeadOptions): Promise<Led> {
    let flight: MirrorFetch;
    try {
      const stored = options.skipIfStored ? await this.findStored(bucketId, key) : null;
      if (stored) {
        await this.leases.release(bucketId, key, token, null);
        return { kind: "stored", object: stored };
      }
      flight = options.start(token);
    } catch (error) {
      await this.leases.release(bucketId, key, token, null).catch(this.onReleaseError);
      throw error;
    }
    const id = flightId(bucketId, key);
    const released: Promise<void> = flight.done
      .then(
        () => null,
        (error: unknown) => endOf(error),
      )
      .then((ended) => this.leases.release(bucketId, key, token, ended))
      .catch((error: unknown) => {
        try {
          this.onReleaseError(error);
        } catch {
          // Told as best it can be; misses of the key wait on this promise, which must not fail.
        }
      })
      .finally(() => {
        if (this.releasing.get(id) === released) this.releasing.delete(id);
      });
    this.releasing.set(id, released);
    return { kind: "flight", flight };
  }

  /**
   * Waits on another instance's lease: the stored object, the holder's failure (thrown), or null
   * once the lease is free to take (gone without a commit, expired, or ended before this saw it).
   */
  private async follow(bucket: { id: number; name: string }, key: string, deadline: number): Promise<Led | null> {
    let following: string | null = null;
    for (;;) {
      const stored = await this.findStored(bucket.id, key);
      if (stored) return { kind: "stored", object: stored };
      const state = await this.leases.look(bucket.id, key);
      if (state?.ended) {
        if (state.token === following) throw errorOf(state.ended);
        return null;
      }
      if (!state || state.expired) return null;
      following = state.token;
      if (Date.now() >= deadline) throw new PullElsewhere(bucket.name, key, 1);
      await pause(this.options.pollMs);
    }
  }
}
