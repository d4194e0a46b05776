import { expect, it } from "vitest";
import { DatabaseClock } from "./database-clock";

it("tells the database's time by this host's clock and the offset measured at the last sync", async () => {
  let local = 1_000_000;
  // The database's clock runs 30 s behind this host's, and the query takes 40 ms there and back.
  const clock = new DatabaseClock(
    async () => {
      local += 20;
      const databaseTime = local - 30_000;
      local += 20;
      return databaseTime;
    },
    () => local,
  );
  expect(clock.now().getTime()).toBe(local);
  await clock.sync();
  expect(clock.offset).toBe(-30_000);
  local += 5_000;
  expect(clock.now().getTime()).toBe(local - 30_000);
});

it("refuses a database time that is not a number", async () => {
  const { databaseTimeReader } = await import("./database-clock");
  const read = databaseTimeReader(() => ({ $queryRaw: async () => [{ now: "soon" }] }) as never, "sqlite");
  await expect(read()).rejects.toThrow(/answered soon/);
});
