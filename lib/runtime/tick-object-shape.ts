/**
 * Keeps one of Node's next-tick objects alive for the life of the process, so that the hidden class
 * (V8 "map") they all share is never collected. Without it, an app that has been idle is ~30% dearer
 * per 4 KiB hit from then on (measured: README, "The idle state").
 *
 * Why: `process.nextTick` builds each tick as an object literal with computed symbol keys
 * (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`). V8's feedback for such
 * a key goes from monomorphic straight to megamorphic the first time it sees another map, with no
 * polymorphic step. Tick objects live for a moment, and when nothing holds one, the maps they use
 * are held only weakly (transitions, feedback, optimized code). An idle process's memory reducer
 * runs full collections that keep no maps for later use, so after a quiet spell the maps are gone:
 * the optimized `nextTick` is thrown away, the next tick builds new maps, the feedback turns
 * megamorphic, and `nextTick` is optimized again with a call into the runtime for each computed key.
 * A hit makes ~15 ticks, so that is ~30 runtime calls, ~45,000 instructions, on every request for as
 * long as the process lives. One tick object held here holds its map and, through each map's back
 * pointer, the maps before it, so the feedback keeps seeing the same maps.
 *
 * The object is caught through an async hook's `init`, which Node calls with the tick object as the
 * resource. The hook is enabled only around one `nextTick` call at start-up, so no request pays for it.
 * Checked in tick-object-shape.test.ts, which also shows the loss without it.
 */
import { createHook } from "node:async_hooks";

let kept: object | null = null;

const noop = () => {};

/**
 * The tick object `call` makes with `process.nextTick`, caught by an async hook enabled only for the
 * call (null if this Node hands none to the hook: its nextTick changed).
 */
export function tickObjectMadeBy(call: () => void): object | null {
  let caught: object | null = null;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === "TickObject" && caught === null && typeof resource === "object" && resource !== null) caught = resource;
    },
  });
  hook.enable();
  try {
    call();
  } finally {
    hook.disable();
  }
  return caught;
}

/**
 * Holds one tick object for good (once; later calls do nothing). Returns false if this Node did not
 * hand a tick object to the async hook: the app runs as before, without the guard, and the test
 * fails on such a Node.
 */
export function keepTickObjectShape(): boolean {
  kept ??= tickObjectMadeBy(() => process.nextTick(noop));
  return kept !== null;
}

/** The tick object held, for the test to compare maps with. */
export function keptTickObject(): object | null {
  return kept;
}
