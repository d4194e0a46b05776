/**
 * The child servers tests start (tests/support/server-process.ts) end with the test process that
 * started them, however it ends: it holds their stdin open, and its end closes when it dies.
 */
import { expect, it } from "vitest";
import { startServerProcess } from "../support/server-process";
import { WAIT_TIMEOUT_MS } from "../support/timeouts";

it("a child server exits when the end of its stdin closes, as it does when the test process dies", async () => {
  const server = await startServerProcess();
  try {
    const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
    // What the operating system does to the pipe when this process dies, even by kill -9.
    server.child.stdin!.end();
    let timer: NodeJS.Timeout | undefined;
    const stillRunning = new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), WAIT_TIMEOUT_MS)));
    const code = await Promise.race([exited, stillRunning]).finally(() => clearTimeout(timer));
    expect(code).toBe(0);
  } finally {
    await server.kill();
  }
});
