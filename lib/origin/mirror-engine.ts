/**
 * Back-to-origin for a missing object: the rule's address becomes one MirrorFetch per object,
 * shared by every request that misses the same key while it runs (single-flight), and by the
 * background fetch of redirect mode.
 */
import type { IncomingHttpHeaders } from "node:http";
import { MirrorLoop, NoSuchKey, OriginNotFound, UnsafeOriginPath } from "@/lib/domain/errors";
import { findMatchingRule } from "@/lib/mirroring/rule-set";
import { contentMd5Hex, pickStoredHeaders, type ObjectRecord } from "@/lib/objects/object-meta";
import type { ObjectService } from "@/lib/objects/object-service";
import { buildOriginHeaders } from "@/lib/mirroring/origin-headers";
import { computeOriginAddress, formatOriginTarget, type OriginTarget } from "@/lib/mirroring/origin-address";
import type { MirrorRule } from "@/lib/mirroring/rule-schema";
import { BackgroundQueue } from "./background-queue";
import { MirrorFetch, type MirrorFetchTarget, type OriginSource } from "./mirror-fetch";
import { MIRROR_HOP_HEADER, OriginFailure, discardBody, type OriginClient, type OriginResponse } from "./origin-client";

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

export interface EngineLimits {
  bodyTimeoutMs: number;
  /** Redirect mode: background fetches waiting at most, and running at once per origin. */
  backgroundQueue: number;
  backgroundPerOrigin: number;
}

export type BackgroundOutcome = "started" | "queued" | "already-fetching" | "dropped";

/** What a GET of a missing object turns into: a redirect (fetched behind it), or a fetch to stream. */
export type MissOutcome =
  | { kind: "redirect"; target: OriginTarget; background: BackgroundOutcome }
  | { kind: "fetch"; flight: MirrorFetch; storageClass: string };

/** Who asks for a pull outside a GET miss: an import job, or BOS FetchObject. */
export interface PullOptions {
  /** Fetch again a key the bucket already holds (a client's write during the fetch still wins). */
  overwrite: boolean;
  source: "import" | "fetch";
  /** FetchObject: fetch this URL (through the same SSRF-guarded client) instead of applying a rule. */
  url?: { href: string; storageClass: string };
}

export type PullOutcome =
  | { outcome: "pulled"; object: ObjectRecord }
  /** Already stored (without `overwrite`), or a client wrote or deleted the key during the fetch. */
  | { outcome: "skipped"; reason: string }
  | { outcome: "missing"; error: OriginNotFound }
  | { outcome: "noRule" }
  | { outcome: "failed"; error: Error };

export interface EngineDeps {
  client: OriginClient;
  objects: ObjectService;
  /** Bucket origins (`bos://name`) are buckets of this deployment. */
  findBucket: (name: string) => Promise<{ id: number } | null>;
  /** The bucket's rules, in order (the engine applies the one that matches). */
  rulesFor: (bucketId: number) => Promise<MirrorRule[]>;
}

/** A pull that ends before any fetch (stored already, no rule), carrying its outcome. */
class PullSettled extends Error {
  constructor(readonly outcome: PullOutcome) {
    super(outcome.outcome);
  }
}

export class MirrorEngine {
  private readonly flights = new Map<string, MirrorFetch>();
  private readonly background: BackgroundQueue;

  private readonly client: OriginClient;
  private readonly objects: ObjectService;

  constructor(
    private readonly deps: EngineDeps,
    private readonly limits: EngineLimits,
  ) {
    this.client = deps.client;
    this.objects = deps.objects;
    this.background = new BackgroundQueue(limits.backgroundQueue, limits.backgroundPerOrigin);
  }

  /**
   * A GET found nothing at `key`: applies the bucket's matching rule. Throws NoSuchKey when no
   * rule matches, MirrorLoop for a request that came from a back-to-origin fetch, and
   * UnsafeOriginPath for a key that would leave the rule's address. `onBackgroundError` hears of
   * redirect mode's background fetch failing.
   */
  async miss(bucket: { id: number; name: string }, key: string, request: MissRequest, onBackgroundError: (error: Error) => void): Promise<MissOutcome> {
    const rule = findMatchingRule(await this.deps.rulesFor(bucket.id), key);
    if (!rule) throw new NoSuchKey(bucket.name, key, "no mirror rule matches it");
    if (request.headers[MIRROR_HOP_HEADER] !== undefined) throw new MirrorLoop(bucket.name, key);
    if (rule.mode === "redirect") {
      const address = computeOriginAddress(rule, key, request.rawQuery);
      if (address.refusal) throw new UnsafeOriginPath(address.refusal);
      // Past the queue's capacity this fetches nothing (counted in backgroundStats): the client has its redirect.
      const background = this.fetchInBackground(bucket, key, rule, request, onBackgroundError);
      return { kind: "redirect", target: address.primary, background };
    }
    return { kind: "fetch", flight: this.fetch(bucket, key, rule, request), storageClass: rule.storageClass };
  }

  /** The running fetch of this object, or a new one. Throws UnsafeOriginPath before any request. */
  fetch(bucket: { id: number }, key: string, rule: MirrorRule, request: MissRequest): MirrorFetch {
    const running = this.flights.get(`${bucket.id}\0${key}`);
    if (running && !running.settled) return running;
    const address = computeOriginAddress(rule, key, request.rawQuery);
    if (address.refusal) throw new UnsafeOriginPath(address.refusal);
    const headers = buildOriginHeaders(rule.headers, flatten(request.headers));
    const targets = [address.primary, address.backup].filter((target): target is OriginTarget => target !== null);
    return this.startFlight(bucket, key, rule.storageClass, targets.map((target) => this.target(target, headers)), false);
  }

  /**
   * One key fetched outside a GET miss (an import job, FetchObject), exactly as a miss fetches it:
   * the bucket's matching rule (or FetchObject's URL), the same verification and commit, and the
   * same single flight as live GETs of the key. Never throws: the outcome says what happened.
   */
  async pull(bucket: { id: number }, key: string, options: PullOptions): Promise<PullOutcome> {
    let flight: MirrorFetch;
    try {
      flight = await this.flightFor(bucket, key, options);
    } catch (error) {
      if (error instanceof PullSettled) return error.outcome;
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

  /** The flight a pull joins (a live GET's) or starts; throws PullSettled when there is nothing to fetch. */
  private async flightFor(bucket: { id: number }, key: string, options: PullOptions): Promise<MirrorFetch> {
    const flightKey = `${bucket.id}\0${key}`;
    for (;;) {
      const running = this.flights.get(flightKey);
      if (running && !running.settled) {
        if (!options.url) return running;
        // FetchObject names its own source: let the fetch from the rule's origin end first.
        await running.done.catch(() => undefined);
        continue;
      }
      if (!options.overwrite && (await this.objects.find(bucket.id, key))) throw new PullSettled({ outcome: "skipped", reason: "already stored" });
      let storageClass: string;
      let targets: MirrorFetchTarget[];
      if (options.url) {
        storageClass = options.url.storageClass;
        targets = [this.target({ kind: "url", url: options.url.href }, new Map())];
      } else {
        const rule = findMatchingRule(await this.deps.rulesFor(bucket.id), key);
        if (!rule) throw new PullSettled({ outcome: "noRule" });
        const address = computeOriginAddress(rule, key, "");
        if (address.refusal) throw new UnsafeOriginPath(address.refusal);
        const headers = buildOriginHeaders(rule.headers, []);
        storageClass = rule.storageClass;
        targets = [address.primary, address.backup].filter((target): target is OriginTarget => target !== null).map((target) => this.target(target, headers));
      }
      // A live GET may have started a flight while this looked things up: join it instead.
      const started = this.flights.get(flightKey);
      if (started && !started.settled) continue;
      return this.startFlight(bucket, key, storageClass, targets, options.overwrite);
    }
  }

  private startFlight(bucket: { id: number }, key: string, storageClass: string, targets: MirrorFetchTarget[], replace: boolean): MirrorFetch {
    const flightKey = `${bucket.id}\0${key}`;
    const flight = new MirrorFetch(this.objects, { bucketId: bucket.id, key, storageClass, bodyTimeoutMs: this.limits.bodyTimeoutMs, targets, replace });
    this.flights.set(flightKey, flight);
    void flight.done
      .catch(() => undefined)
      .finally(() => {
        if (this.flights.get(flightKey) === flight) this.flights.delete(flightKey);
      });
    return flight;
  }

  /**
   * Redirect mode's fetch behind the 302: through a bounded queue, at most `backgroundPerOrigin`
   * running per origin. Past the queue nothing is fetched (the client has its redirect anyway)
   * and the drop is counted, so a flood of distinct keys cannot exhaust sockets or descriptors.
   */
  fetchInBackground(bucket: { id: number }, key: string, rule: MirrorRule, request: MissRequest, onError: (error: Error) => void): BackgroundOutcome {
    const flightKey = `${bucket.id}\0${key}`;
    const running = this.flights.get(flightKey);
    if ((running && !running.settled) || this.background.has(flightKey)) return "already-fetching";
    const address = computeOriginAddress(rule, key, request.rawQuery);
    if (address.refusal) throw new UnsafeOriginPath(address.refusal);
    const origin = address.primary.kind === "url" ? new URL(address.primary.url).host : `bos://${address.primary.bucket}`;
    return this.background.submit(flightKey, origin, async () => {
      // It may have been stored (or be fetching for a live GET) while it waited.
      if (await this.objects.find(bucket.id, key)) return;
      await this.fetch(bucket, key, rule, request).done.catch(onError);
    });
  }

  get activeFetches(): number {
    return this.flights.size;
  }

  /** Redirect mode's background work, for tests, logs and metrics. */
  get backgroundStats(): { running: number; queued: number; dropped: number } {
    return this.background.stats();
  }

  private target(target: OriginTarget, headers: Map<string, string>): MirrorFetchTarget {
    const label = formatOriginTarget(target);
    if (target.kind === "bucket") return { label, open: () => this.openBucketObject(target.bucket, target.key, label) };
    return { label, open: () => this.openUrl(target.url, headers) };
  }

  private async openUrl(url: string, headers: Map<string, string>): Promise<OriginSource | "not-found"> {
    const response = await this.client.get(url, headers);
    if (response.status === 404) {
      discardBody(response.body);
      return "not-found";
    }
    if (response.status !== 200) {
      discardBody(response.body);
      throw new OriginFailure("network", `${response.url} answered HTTP ${response.status}`);
    }
    const length = headerValue(response.headers, "content-length");
    const md5 = declaredMd5(response.headers);
    if (md5 === "invalid") {
      discardBody(response.body);
      throw new OriginFailure("digest", `${response.url} sent a malformed Content-MD5 header`);
    }
    return {
      sourceUrl: response.url,
      declaredSize: length !== undefined && /^\d+$/.test(length) ? Number(length) : null,
      expectedMd5: md5,
      httpMeta: pickStoredHeaders(response.headers),
      body: response.body,
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
      expectedMd5: object.etag,
      httpMeta: object.httpMeta,
      body: this.objects.openStream(object),
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
