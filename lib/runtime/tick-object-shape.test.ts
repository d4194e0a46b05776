import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WAIT_TIMEOUT_MS } from "@/tests/support/timeouts";

const shapeModule = path.join(path.dirname(new URL(import.meta.url).pathname), "tick-object-shape.ts");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tick-shape-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  /** nextTick was optimized code before the collections. */
  optimizedBefore: boolean;
  /** …and still was after them. */
  optimizedAfter: boolean;
  /** A tick object made after the collections has the held one's map (null without the guard). */
  sameMap: boolean | null;
}

/**
 * A process that gets `process.nextTick` optimized, lets every tick object die, and runs full
 * collections (as an idle process's memory reducer does), with or without keepTickObjectShape().
 * V8's own intrinsics (--allow-natives-syntax, through `new Function`, which tsx does not parse)
 * say whether the optimized code survived and which map a later tick object has.
 */
function idleCollections(keep: boolean): Outcome {
  const script = path.join(dir, `idle-${keep ? "kept" : "bare"}.mts`);
  writeFileSync(
    script,
    `import { keepTickObjectShape, keptTickObject, tickObjectMadeBy } from ${JSON.stringify(shapeModule)};
const status = new Function("f", "return %GetOptimizationStatus(f)");
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimizeOnNextCall = new Function("f", "%OptimizeFunctionOnNextCall(f)");
const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)");
const OPTIMIZED = 1 << 4;
if (${keep} && !keepTickObjectShape()) throw new Error("no tick object was caught");
const noop = () => {};
const withArgument = (value) => value;
const turn = () => new Promise((resolve) => setImmediate(resolve));
async function ticks(count) {
  for (let i = 0; i < count; i++) {
    process.nextTick(noop);
    process.nextTick(withArgument, i);
    if (i % 100 === 99) await turn();
  }
  await turn();
}
await ticks(2000);
// V8 may throw a first optimized version away (a speculation that failed): ask again.
let optimizedBefore = false;
for (let attempt = 0; attempt < 5 && !optimizedBefore; attempt++) {
  prepare(process.nextTick);
  await ticks(10);
  optimizeOnNextCall(process.nextTick);
  await ticks(10);
  optimizedBefore = (status(process.nextTick) & OPTIMIZED) !== 0;
}
for (let i = 0; i < 6; i++) {
  globalThis.gc();
  await turn();
}
const optimizedAfter = (status(process.nextTick) & OPTIMIZED) !== 0;
const fresh = tickObjectMadeBy(() => process.nextTick(withArgument, 1));
const kept = keptTickObject();
console.log(JSON.stringify({ optimizedBefore, optimizedAfter, sameMap: kept ? haveSameMap(kept, fresh) : null }));
`,
  );
  // Compiling on the main thread only: a concurrent job V8 starts by itself would otherwise leave
  // nextTick "being optimized" at the moment the script asks, some runs in three.
  const child = spawnSync(process.execPath, ["--allow-natives-syntax", "--expose-gc", "--no-concurrent-recompilation", "--import", "tsx", script], { encoding: "utf8", timeout: WAIT_TIMEOUT_MS });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim()) as Outcome;
}

describe("keepTickObjectShape", () => {
  it("keeps nextTick's optimized code through full collections while no tick object is alive, and later tick objects on the same map", () => {
    expect(idleCollections(true)).toEqual({ optimizedBefore: true, optimizedAfter: true, sameMap: true });
  });

  // The hazard the guard is for, on this Node: without it the same collections free the tick
  // objects' maps and take nextTick's optimized code with them (it is then optimized again with
  // megamorphic feedback: the README's "idle state"). If this starts failing after a Node upgrade,
  // V8 may keep those maps by itself now, and the guard can be reconsidered.
  it("is needed: without it, the same collections throw nextTick's optimized code away", () => {
    expect(idleCollections(false)).toEqual({ optimizedBefore: true, optimizedAfter: false, sameMap: null });
  });

  it("holds one object however often it is called", async () => {
    const { keepTickObjectShape, keptTickObject } = await import("./tick-object-shape");
    expect(keepTickObjectShape()).toBe(true);
    const first = keptTickObject();
    expect(first).not.toBeNull();
    expect(keepTickObjectShape()).toBe(true);
    expect(keptTickObject()).toBe(first);
  });
});
