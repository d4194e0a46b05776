/**
 * A value now, or later. The hit path's lookups (bucket, access key, object row, a small object's
 * bytes) answer from their caches at once, and only a cache miss goes to the database or the disk.
 * Returning the cached value itself, not a promise of it, matters there: every promise costs an
 * allocation, a microtask and, once any AsyncLocalStorage is in use (Next's are, in this process),
 * async hooks on creation and on each turn. A 4 KiB hit made 22 promises; they were ~15% of its CPU.
 *
 * "Later" is any thenable, not only a native promise: a Prisma query returned as it is (a
 * PrismaPromise) must be waited for, never taken for the row. So no value passed here may have a
 * `then` method of its own (records and buffers do not).
 */
export type MaybePromise<T> = T | PromiseLike<T>;

function isThenable<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** `next(value)`: at once when `value` is here, once it resolves otherwise. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isThenable(value) ? value.then(next) : next(value);
}

/**
 * Runs `work`, and hands any failure to `fail`: a synchronous throw at once, a rejection when it
 * comes. Returns what `fail` returns (or throws) for a synchronous failure; a promise otherwise
 * when `work` is asynchronous.
 */
export function andCatch<T>(work: () => MaybePromise<T>, fail: (error: unknown) => MaybePromise<T>): MaybePromise<T> {
  let result: MaybePromise<T>;
  try {
    result = work();
  } catch (error) {
    return fail(error);
  }
  return isThenable(result) ? result.then(undefined, fail) : result;
}
