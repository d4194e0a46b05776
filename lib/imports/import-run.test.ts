/**
 * A run settles the claimed keys that need no origin request (stored, no rule matches) a batch at
 * a time, from one lookup of the batch's keys: the engine is asked to pull only the others. A key
 * claimed by a run that died, and stored since the job started, counts as pulled.
 */
import { describe, expect, it } from "vitest";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import type { ObjectService } from "@/lib/objects/object-service";
import type { StoredKey } from "@/lib/objects/object-repository";
import type { PullOutcome } from "@/lib/origin/mirror-engine";
import type { ClaimedItem, ImportJobRow, ImportRepository, ItemResult } from "./import-repository";
import { ImportRun } from "./import-run";

const STARTED = new Date("2026-11-27T08:00:00Z");
const job = {
  id: 1,
  bucketId: 7,
  source: JSON.stringify({ type: "keys" }),
  listed: true,
  listCursor: null,
  concurrency: 4,
  overwrite: false,
  requestsPerSecond: null,
  bytesPerSecond: null,
  startedAt: STARTED,
} as unknown as ImportJobRow;

/** Only keys under "mirrored/" have a rule. */
const rules = [{ id: 1, enabled: true, conditionPrefix: "mirrored/", conditionSuffix: "" }] as unknown as StoredMirrorRule[];

function fakes(items: ClaimedItem[], stored: Map<string, StoredKey>, { stillRunning = true } = {}) {
  const recorded: ItemResult[] = [];
  const pulled: string[] = [];
  const lookups: string[][] = [];
  let claimed = false;
  const repository = {
    runStarted: async () => stillRunning,
    claim: async () => (claimed ? [] : ((claimed = true), items)),
    release: async () => undefined,
    record: async (_jobId: number, results: ItemResult[]) => void recorded.push(...results),
    findById: async () => ({ failed: 0 }),
    runEnded: async () => undefined,
  } as unknown as ImportRepository;
  const objects = {
    findKeys: async (_bucketId: number, keys: string[]) => {
      lookups.push(keys);
      return new Map([...stored].filter(([key]) => keys.includes(key)));
    },
  } as unknown as ObjectService;
  const pull = async (_bucket: unknown, key: string): Promise<PullOutcome> => {
    pulled.push(key);
    return { outcome: "pulled", object: { size: 10 } as never };
  };
  const run = new ImportRun(job, "bucket", { repository, objects, pull, lister: null, rulesFor: async () => rules, flushIntervalMs: 1, log: () => undefined });
  return { run, recorded, pulled, lookups, claimedAny: () => claimed };
}

describe("ImportRun", () => {
  it("settles stored and rule-less keys from one lookup, and pulls only the rest", async () => {
    const before = new Date(STARTED.getTime() - 1000);
    const after = new Date(STARTED.getTime() + 1000);
    const items: ClaimedItem[] = [
      { id: 1, key: "mirrored/new", interrupted: false },
      { id: 2, key: "mirrored/stored", interrupted: false },
      { id: 3, key: "elsewhere/a", interrupted: false },
      { id: 4, key: "mirrored/pulled-by-a-dead-run", interrupted: true },
      { id: 5, key: "mirrored/uploaded-long-ago", interrupted: true },
      { id: 6, key: "mirrored/interrupted-not-stored", interrupted: true },
    ];
    const stored = new Map<string, StoredKey>([
      ["mirrored/stored", { size: 3, sourceUrl: "http://o/x", lastModified: before }],
      ["mirrored/pulled-by-a-dead-run", { size: 5, sourceUrl: "http://o/y", lastModified: after }],
      ["mirrored/uploaded-long-ago", { size: 9, sourceUrl: null, lastModified: after }],
    ]);
    const { run, recorded, pulled, lookups } = fakes(items, stored);
    await run.done;

    expect(lookups).toEqual([items.map((item) => item.key)]);
    expect(pulled.sort()).toEqual(["mirrored/interrupted-not-stored", "mirrored/new"]);
    expect(recorded.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, outcome: "pulled", reason: null, bytes: 10 },
      { id: 2, outcome: "skipped", reason: "already stored", bytes: 0 },
      { id: 3, outcome: "noRule", reason: "no mirror rule of the bucket matches this key", bytes: 0 },
      { id: 4, outcome: "pulled", reason: null, bytes: 5 },
      { id: 5, outcome: "skipped", reason: "already stored", bytes: 0 },
      { id: 6, outcome: "pulled", reason: null, bytes: 10 },
    ]);
  });

  it("does nothing for a job that is no longer running here when the run starts (read before a pause, an end or a takeover)", async () => {
    const { run, recorded, pulled, claimedAny } = fakes([{ id: 1, key: "mirrored/new", interrupted: false }], new Map(), { stillRunning: false });
    await run.done;
    expect(claimedAny()).toBe(false);
    expect(pulled).toEqual([]);
    expect(recorded).toEqual([]);
  });
});
