/**
 * Back-to-origin for a missing object: the rule's address becomes one MirrorFetch per object,
 * shared by every request that misses the same key while it runs (single-flight), and by the
 * background fetch of redirect mode.
 */
import type { IncomingHttpHeaders } from "node:http";
import { MirrorLoop, NoSuchKey, OriginNotFound, OriginUnavailable, UnsafeOriginPath } from "@/lib/domain/errors";
import type { MaybePromise } from "@/lib/maybe-promise";
import { findMatchingRule } from "@/lib/mirroring/rule-set";
import { contentMd5Hex, contentMd5Of, pickStoredHeaders, type ObjectRecord } from "@/lib/objects/object-meta";
import type { ObjectService } from "@/lib/objects/object-service";
import { buildOriginHeaders } from "@/lib/mirroring/origin-headers";
import { computeOriginAddress, formatOriginTarget, type OriginTarget } from "@/lib/mirroring/origin-address";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { BackgroundQueue } from "./background-queue";
import type { BreakerSettings } from "./circuit-breaker";
import type { ClusterFlights, Led } from "./cluster-flight";
import { MirrorFetch, type MirrorFetchTarget, type OriginSource } from "./mirror-fetch";
import type { MirrorOutcome, MirrorOutcomeSink, MirrorOutcomeSource } from "./mirror-outcome";
import { NegativeCache, type NegativeCacheSettings } from "./negative-cache";
import { MIRROR_HOP_HEADER, OriginFailure, discardBody, type OriginClient, type OriginResponse } from "./origin-client";
import { OriginGate, type OriginHealth, type OriginPass, type QueuePolicy } from "./origin-gate";

export interface MissRequest {
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

function headerValue(headers: OriginResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The MD5 an origin vouches for: Content-MD5, or else a strong ETag that is an MD5. */
export function declaredMd5(headers: OriginResponse["headers"]): string | null {
  const contentMd5 = headerValue(headers, "content-md5");
  if (contentMd5) return contentMd5Hex(contentMd5);
  const etag = headerValue(headers, "etag");
  const match = etag?.match(/^"([0-9a-f]{32})"$/i);
  return match ? match[1]!.toLowerCase() : null;
}

function flatten(headers: IncomingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value] as [string, string]],
  );
}

/** What the circuit breaker counts as the origin failing: it did not answer, or not in time, or with a 5xx. */
function breakerFailure(error: unknown): string | null {
  return error instanceof OriginFailure && ["unreachable", "timeout", "network", "incomplete"].includes(error.kind) ? error.message : null;
}

export interface EngineLimits {
  bodyTimeoutMs: number;
  /** Redirect mode: background fetches pending (waiting for a turn at their origin, or running) at most. */
  backgroundQueue: number;
  /** Requests at once per origin host, from every kind of pull. */
  originConcurrency: number;
  /** GET misses waiting for a turn per origin host; the next one gets SlowDown. */
  originQueue: number;
  breaker: BreakerSettings;
  negativeCache: NegativeCacheSettings;
}

export type BackgroundOutcome = "queued" | "already-fetching" | "dropped" | "negative-cached";

/**
 * What a GET of a missing object turns into: a redirect (fetched behind it), a fetch to stream, or
 * the object another instance's fetch stored while this one waited (cluster-flight.ts).
 */
export type MissOutcome =
  | { kind: "redirect"; target: OriginTarget; background: BackgroundOutcome }
  | { kind: "fetch"; flight: MirrorFetch; storageClass: string }
  | { kind: "stored"; object: ObjectRecord };

/** Who asks for a pull outside a GET miss: an import job, or BOS FetchObject. */
export interface PullOptions {
  /** Fetch again a key the bucket already holds (a client's write during the fetch still wins). */
  overwrite: boolean;
  source: "import" | "fetch";
  /** FetchObject: fetch this URL (through the same SSRF-guarded client and origin gate) instead of applying a rule. */
  url?: { href: string; storageClass: string };
  /**
   * Past the origin's queue: wait for a turn (import jobs, which bound themselves), or be refused
   * with OriginBusy (a client waiting on a synchronous FetchObject, told to come back like a GET miss).
   */
  queue?: QueuePolicy;
}

export type PullOutcome =
  | { outcome: "pulled"; object: ObjectRecord }
  /** Already stored (without `overwrite`), or a client wrote or deleted the key during the fetch. */
  | { outcome: "skipped"; reason: string }
  | { outcome: "missing"; error: OriginNotFound }
  | { outcome: "noRule" }
  | { outcome: "failed"; error: Error };

/** A pull that ends before any fetch (stored already, no rule), carrying its outcome. */
class PullSettled extends Error {
  constructor(readonly outcome: PullOutcome) {
    super(outcome.outcome);
  }
}

export interface EngineDeps {
  client: OriginClient;
  objects: ObjectService;
  /** Bucket origins (`bos://name`) are buckets of this deployment. */
  findBucket: (name: string) => MaybePromise<{ id: number } | null>;
  /** The bucket's rules, in order (the engine applies the one that matches). */
  rulesFor: (bucketId: number) => Promise<StoredMirrorRule[]>;
  /** Hears of every back-to-origin outcome (activity counts, metrics, logs). */
  outcomes?: MirrorOutcomeSink;
  /** Single flight across the instances sharing the database: one instance pulls a key at a time. */
  cluster: ClusterFlights;
}

interface BucketRef {
  id: number;
  name: string;
}

/** Where one object is asked for: the rule's addresses, and what a remembered 404 is filed under. */
interface Plan {
  targets: OriginTarget[];
  /** Null when the negative cache does not apply (a bucket origin is read locally, cheaply and never stale). */
  fingerprint: string | null;
}

export class MirrorEngine {
  private readonly flights = new Map<string, MirrorFetch>();
  private readonly background: BackgroundQueue;
  private readonly gate: OriginGate;
  private readonly negative: NegativeCache;

  private readonly client: OriginClient;
  private readonly objects: ObjectService;

  constructor(
    private readonly deps: EngineDeps,
    private readonly limits: EngineLimits,
  ) {
    this.client = deps.client;
    this.objects = deps.objects;
    this.background = new BackgroundQueue(limits.backgroundQueue);
    this.gate = new OriginGate({ maxConcurrency: limits.originConcurrency, maxQueued: limits.originQueue }, limits.breaker);
    this.negative = new NegativeCache(limits.negativeCache);
  }

  /**
   * A GET found nothing at `key`: applies the bucket's matching rule. Throws NoSuchKey when no
   * rule matches or the origin's 404 for the key is remembered (negative cache), MirrorLoop for a
   * request that came from a back-to-origin fetch, and UnsafeOriginPath for a key that would leave
   * the rule's address. `onBackgroundError` hears of redirect mode's background fetch failing.
   */
  async miss(bucket: BucketRef, key: string, request: MissRequest, onBackgroundError: (error: Error) => void): Promise<MissOutcome> {
    const rule = findMatchingRule(await this.deps.rulesFor(bucket.id), key);
    if (!rule) throw new NoSuchKey(bucket.name, key, "no mirror rule matches it");
    if (request.headers[MIRROR_HOP_HEADER] !== undefined) throw new MirrorLoop(bucket.name, key);
    if (rule.mode === "redirect") {
      const address = computeOriginAddress(rule, key, request.rawQuery);
      if (address.refusal) throw new UnsafeOriginPath(address.refusal);
      // Past the queue's capacity this fetches nothing (counted in backgroundStats): the client has its redirect.
      const background = this.fetchInBackground(bucket, key, rule, request, onBackgroundError);
      this.report(bucket, key, rule, "get", { outcome: "redirected", originUrl: formatOriginTarget(address.primary) });
      return { kind: "redirect", target: address.primary, background };
    }
    // Remembered 404s are answered before the database is asked for the key's lease.
    this.refuseIfRemembered(bucket, key, rule, this.plan(rule, key, request), "get");
    const led = await this.deps.cluster.lead(bucket, key, {
      running: () => this.running(bucket.id, key),
      start: (lease) => this.fetch(bucket, key, rule, request, "get", false, lease),
      skipIfStored: true,
    });
    return led.kind === "stored" ? led : { kind: "fetch", flight: led.flight, storageClass: rule.storageClass };
  }

  /** This instance's unsettled flight of the key, if any. */
  private running(bucketId: number, key: string): MirrorFetch | undefined {
    const flight = this.flights.get(`${bucketId}\0${key}`);
    return flight && !flight.settled ? flight : undefined;
  }

  private refuseIfRemembered(bucket: BucketRef, key: string, rule: StoredMirrorRule, plan: Plan, source: MirrorOutcomeSource): void {
    if ((source === "get" || source === "background") && this.rememberedMissing(bucket, key, rule, plan, source)) {
      throw new NoSuchKey(bucket.name, key, `the origin answered 404 for it less than ${Math.ceil(this.negative.ttlMs / 1000)} s ago (not asked again until then)`);
    }
  }

  /**
   * This instance's running fetch of this object, or a new one (callers other than tests hold the
   * key's lease first: cluster-flight.ts). Throws UnsafeOriginPath before any request, and
   * NoSuchKey when the origin's 404 is remembered: GET misses and background fetches consult the
   * negative cache, import jobs and FetchObject (`source` "import", "fetch") always ask the origin.
   */
  fetch(bucket: BucketRef, key: string, rule: StoredMirrorRule, request: MissRequest, source: MirrorOutcomeSource, replace = false, leaseToken: string | null = null): MirrorFetch {
    const flightKey = `${bucket.id}\0${key}`;
    const running = this.flights.get(flightKey);
    if (running && !running.settled) return running;

    const plan = this.plan(rule, key, request);
    this.refuseIfRemembered(bucket, key, rule, plan, source);
    const headers = buildOriginHeaders(rule.headers, flatten(request.headers));
    const party = `${source}:${bucket.id}`;
    // A GET miss can be told to come back (SlowDown); the other pulls bound themselves and wait their turn.
    const policy: QueuePolicy = source === "get" ? "refuse-when-full" : "wait";
    const startedAt = Date.now();
    const flight = new MirrorFetch(this.objects, {
      bucketId: bucket.id,
      key,
      storageClass: rule.storageClass,
      bodyTimeoutMs: this.limits.bodyTimeoutMs,
      targets: plan.targets.map((target) => this.target(target, headers, party, policy)),
      replace,
      leaseToken,
    });
    this.flights.set(flightKey, flight);
    this.reportWhenDone(bucket, key, rule, source, flight);
    // Remembered as soon as the origins have answered 404, before the client hears it: a GET sent
    // after that answer must find it (the flight itself settles a little later).
    void flight.head.catch((error: unknown) => {
      if (error instanceof OriginNotFound && plan.fingerprint) this.negative.remember(bucket.id, plan.fingerprint);
    });
    void flight.done
      .catch((error: unknown) => {
        if (error instanceof OriginUnavailable) {
          this.report(bucket, key, rule, source, { outcome: "circuit-open", reason: error.message, originUrl: formatOriginTarget(plan.targets[0]!), durationMs: Date.now() - startedAt });
        }
      })
      .finally(() => {
        if (this.flights.get(flightKey) === flight) this.flights.delete(flightKey);
      });
    return flight;
  }

  /**
   * One key fetched outside a GET miss (an import job, FetchObject), exactly as a miss fetches it:
   * the bucket's matching rule (or FetchObject's URL), the same gate, verification and commit, and
   * the same single flight as live GETs of the key, but never the negative cache. Never throws:
   * the outcome says what happened.
   */
  async pull(bucket: BucketRef, key: string, options: PullOptions): Promise<PullOutcome> {
    let flight: MirrorFetch;
    try {
      const led = await this.flightFor(bucket, key, options);
      if (led.kind === "stored") return { outcome: "skipped", reason: "already stored" };
      flight = led.flight;
    } catch (error) {
      if (error instanceof PullSettled) return error.outcome;
      if (error instanceof OriginNotFound) return { outcome: "missing", error };
      return { outcome: "failed", error: error as Error };
    }
    try {
      const stored = await flight.done;
      return stored ? { outcome: "pulled", object: stored } : { outcome: "skipped", reason: "a client wrote or deleted the key while it was being fetched" };
    } catch (error) {
      if (error instanceof OriginNotFound) return { outcome: "missing", error };
      return { outcome: "failed", error: error as Error };
    }
  }

  /**
   * The flight a pull joins (a live GET's, on this instance) or starts under the key's lease, or the
   * object another instance stored meanwhile; throws PullSettled when there is nothing to fetch.
   */
  private async flightFor(bucket: BucketRef, key: string, options: PullOptions): Promise<Led> {
    const flightKey = `${bucket.id}\0${key}`;
    for (;;) {
      const running = this.flights.get(flightKey);
      if (running && !running.settled) {
        if (!options.url) return { kind: "flight", flight: running };
        // FetchObject names its own source: let the fetch from the rule's origin end first.
        await running.done.catch(() => undefined);
        continue;
      }
      if (!options.overwrite && (await this.objects.find(bucket.id, key))) throw new PullSettled({ outcome: "skipped", reason: "already stored" });
      const rule = options.url ? null : findMatchingRule(await this.deps.rulesFor(bucket.id), key);
      if (!options.url && !rule) throw new PullSettled({ outcome: "noRule" });
      // A live GET may have started a flight while this looked things up: join it instead.
      const started = this.flights.get(flightKey);
      if (started && !started.settled) continue;
      const start = rule
        ? (lease: string) => this.fetch(bucket, key, rule, { rawQuery: "", headers: {} }, options.source, options.overwrite, lease)
        : (lease: string) => this.fetchUrl(bucket, key, options, lease);
      // FetchObject names its own source: it never joins the rule's flight.
      const joinable = () => (options.url ? undefined : this.running(bucket.id, key));
      return this.deps.cluster.lead(bucket, key, { running: joinable, start, skipIfStored: !options.overwrite });
    }
  }

  /** FetchObject's flight from the URL it names. */
  private fetchUrl(bucket: BucketRef, key: string, options: PullOptions, leaseToken: string): MirrorFetch {
    const flightKey = `${bucket.id}\0${key}`;
    const { href, storageClass } = options.url!;
    const target = this.target({ kind: "url", url: href }, new Map(), `${options.source}:${bucket.id}`, options.queue ?? "wait");
    const flight = new MirrorFetch(this.objects, { bucketId: bucket.id, key, storageClass, bodyTimeoutMs: this.limits.bodyTimeoutMs, targets: [target], replace: options.overwrite, leaseToken });
    this.flights.set(flightKey, flight);
    this.reportWhenDone(bucket, key, null, options.source, flight);
    void flight.done
      .catch(() => undefined)
      .finally(() => {
        if (this.flights.get(flightKey) === flight) this.flights.delete(flightKey);
      });
    return flight;
  }

  /**
   * Redirect mode's fetch behind the 302, through a bounded queue (past it nothing is fetched: the
   * client has its redirect anyway, and the drop is counted), so a flood of distinct keys cannot
   * exhaust sockets or descriptors. How many run at once per origin is the origin limiter's call.
   */
  fetchInBackground(bucket: BucketRef, key: string, rule: StoredMirrorRule, request: MissRequest, onError: (error: Error) => void): BackgroundOutcome {
    const flightKey = `${bucket.id}\0${key}`;
    const running = this.flights.get(flightKey);
    if ((running && !running.settled) || this.background.has(flightKey)) return "already-fetching";
    const plan = this.plan(rule, key, request);
    if (this.rememberedMissing(bucket, key, rule, plan, "background")) return "negative-cached";
    return this.background.submit(flightKey, async () => {
      // It may have been stored (or be fetching for a live GET, here or on another instance) since the miss.
      if (await this.objects.find(bucket.id, key)) return;
      try {
        const led = await this.deps.cluster.lead(bucket, key, { running: () => this.running(bucket.id, key), start: (lease) => this.fetch(bucket, key, rule, request, "background", false, lease), skipIfStored: true });
        if (led.kind === "flight") await led.flight.done;
      } catch (error) {
        onError(error as Error);
      }
    });
  }

  /** The bucket's rules changed: what was learned under the old ones (remembered 404s) goes. */
  rulesChanged(bucketId: number): void {
    this.negative.clearBucket(bucketId);
  }

  get activeFetches(): number {
    return this.flights.size;
  }

  /** Nothing fetching and no background fetch waiting for its turn (tests wait for this before looking at the store). */
  get idle(): boolean {
    return this.flights.size === 0 && this.background.stats().pending === 0;
  }

  /** Redirect mode's background work, for tests, logs and metrics. */
  get backgroundStats(): { pending: number; dropped: number } {
    return this.background.stats();
  }

  /**
   * A turn at an origin host for a request outside a pull ("Check the origin now"), through the
   * same gate: OriginUnavailable while its breaker is open, OriginBusy past the queue.
   */
  enterOrigin(host: string, party: string): Promise<OriginPass> {
    return this.gate.enter(host, party, "refuse-when-full");
  }

  /** What the breaker counts as the origin failing (for a pass from enterOrigin), or null. */
  static breakerFailure(error: unknown): string | null {
    return breakerFailure(error);
  }

  /** Per origin host: requests in flight and waiting, and its circuit breaker (console, metrics). */
  originHealth(): OriginHealth[] {
    return this.gate.health();
  }

  private plan(rule: StoredMirrorRule, key: string, request: MissRequest): Plan {
    const address = computeOriginAddress(rule, key, request.rawQuery);
    if (address.refusal) throw new UnsafeOriginPath(address.refusal);
    const targets = [address.primary, address.backup].filter((target): target is OriginTarget => target !== null);
    const cacheable = this.negative.enabled && targets.every((target) => target.kind === "url");
    // The rule's identity and version, then the addresses (with the query string, when the rule passes it).
    const fingerprint = cacheable ? [`${rule.id}.${rule.version}`, ...targets.map(formatOriginTarget)].join("\0") : null;
    return { targets, fingerprint };
  }

  /** True (and reported) when every origin's 404 for this key is remembered. */
  private rememberedMissing(bucket: BucketRef, key: string, rule: StoredMirrorRule, plan: Plan, source: MirrorOutcomeSource): boolean {
    if (!plan.fingerprint || !this.negative.has(bucket.id, plan.fingerprint)) return false;
    this.report(bucket, key, rule, source, { outcome: "negative-cached", reason: "the origin's recent 404 is remembered", originUrl: formatOriginTarget(plan.targets[0]!) });
    return true;
  }

  /**
   * Reports a fetch's outcome once it settles: pulled (with the bytes stored), missing, or failed
   * with the full reason. A refusal by the open circuit breaker is reported where it is recognised.
   */
  private reportWhenDone(bucket: BucketRef, key: string, rule: Pick<StoredMirrorRule, "id"> | null, source: MirrorOutcomeSource, flight: MirrorFetch): void {
    const started = performance.now();
    const took = () => performance.now() - started;
    flight.done.then(
      (stored) =>
        this.report(bucket, key, rule, source, {
          outcome: "pulled",
          status: flight.originStatus,
          // null: a client's write or delete of the key won, and the origin's copy was not stored.
          reason: stored ? null : "a client wrote or deleted the key meanwhile; the origin's copy was not stored",
          originUrl: flight.originUrl,
          bytes: stored ? stored.size : 0,
          durationMs: took(),
        }),
      (error: Error) => {
        if (error instanceof OriginUnavailable) return;
        this.report(bucket, key, rule, source, {
          outcome: error instanceof OriginNotFound ? "missing" : "failed",
          status: flight.originStatus,
          reason: error instanceof OriginNotFound ? null : error instanceof OriginFailure ? error.detail : error.message,
          originUrl: flight.originUrl,
          bytes: flight.receivedBytes,
          durationMs: took(),
        });
      },
    );
  }

  private report(
    bucket: BucketRef,
    key: string,
    /** Null for FetchObject, which names its own source. */
    rule: Pick<StoredMirrorRule, "id"> | null,
    source: MirrorOutcomeSource,
    result: Pick<MirrorOutcome, "outcome"> & Partial<Pick<MirrorOutcome, "status" | "reason" | "originUrl" | "bytes" | "durationMs">>,
  ): void {
    this.deps.outcomes?.record({
      bucketId: bucket.id,
      bucketName: bucket.name,
      ruleId: rule?.id ?? null,
      key,
      source,
      status: null,
      reason: null,
      originUrl: null,
      bytes: 0,
      durationMs: 0,
      at: new Date(),
      ...result,
    });
  }

  private target(target: OriginTarget, headers: Map<string, string>, party: string, policy: QueuePolicy): MirrorFetchTarget {
    const label = formatOriginTarget(target);
    if (target.kind === "bucket") return { label, open: () => this.openBucketObject(target.bucket, target.key, label) };
    return { label, open: (admitted) => this.openUrl(target.url, headers, party, policy, admitted) };
  }

  /**
   * GET from a URL origin, in turn: through the origin's gate (breaker, then concurrency), holding
   * the turn until the body is stored or failed, and telling the breaker how the origin did.
   */
  private async openUrl(url: string, headers: Map<string, string>, party: string, policy: QueuePolicy, admitted: () => void): Promise<OriginSource | "not-found"> {
    const pass = await this.gate.enter(new URL(url).host, party, policy);
    admitted();
    let response: OriginResponse;
    try {
      response = await this.client.get(url, headers);
    } catch (error) {
      pass.finish(breakerFailure(error));
      throw error;
    }
    if (response.status === 404) {
      discardBody(response.body);
      pass.finish(null);
      return "not-found";
    }
    if (response.status !== 200) {
      discardBody(response.body);
      const failure = new OriginFailure("network", `${response.url} answered HTTP ${response.status}`, undefined, response.status);
      // A 403 (or any 4xx) is the origin answering; only a 5xx says it is in trouble.
      pass.finish(response.status >= 500 ? failure.message : null);
      throw failure;
    }
    const length = headerValue(response.headers, "content-length");
    const md5 = declaredMd5(response.headers);
    if (md5 === "invalid") {
      discardBody(response.body);
      pass.finish(null);
      throw new OriginFailure("digest", `${response.url} sent a malformed Content-MD5 header`);
    }
    return {
      status: response.status,
      sourceUrl: response.url,
      declaredSize: length !== undefined && /^\d+$/.test(length) ? Number(length) : null,
      expectedMd5: md5,
      httpMeta: pickStoredHeaders(response.headers),
      body: response.body,
      finished: (failure) => pass.finish(failure && breakerFailure(failure)),
    };
  }

  /** A private bucket of this deployment, read through the object service (no HTTP, so no loop through our own API). */
  private async openBucketObject(bucketName: string, key: string, label: string): Promise<OriginSource | "not-found"> {
    const bucket = await this.deps.findBucket(bucketName);
    const object = bucket ? await this.objects.find(bucket.id, key) : null;
    if (!object) return "not-found";
    return {
      sourceUrl: label,
      declaredSize: object.size,
      // A multipart object's ETag is not an MD5 of its bytes: then only the length is checked.
      expectedMd5: contentMd5Of(object),
      httpMeta: object.httpMeta,
      body: this.objects.openStream(object),
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
