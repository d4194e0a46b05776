/**
 * Imported first by a server process (object-server-main.ts): with TEST_CLOCK_SKEW_MS set, this
 * process's JavaScript clock (`Date.now()`, `new Date()`) runs that many milliseconds ahead (or,
 * negative, behind) the host's, as a host whose clock is off would. The database's clock is not
 * affected (SQLite reads the operating system's, PostgreSQL its server's).
 */
const skew = Number(process.env.TEST_CLOCK_SKEW_MS ?? 0);
if (skew !== 0) {
  const HostDate = Date;
  globalThis.Date = new Proxy(HostDate, {
    construct: (target, args: unknown[]) => (args.length === 0 ? new target(target.now() + skew) : (Reflect.construct(target, args) as object)),
    apply: (target) => new target(target.now() + skew).toString(),
    get: (target, property, receiver) => (property === "now" ? () => target.now() + skew : Reflect.get(target, property, receiver)),
  });
}
export {};
