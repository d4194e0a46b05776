/**
 * The object API in a child process (tests/support/object-server-main.ts), for tests that kill it
 * or run it on another data directory. Resolves with its URL once it listens; rejects if it exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import type { RecordingOrigin } from "./recording-origin";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed to stderr so far. */
  stderr: () => string;
  /** Everything it printed to stdout so far (its log lines included). */
  stdout: () => string;
  kill: () => Promise<void>;
  /** SIGTERM, as a service manager stops it; resolves once it exited. */
  stop: () => Promise<void>;
}

export function startServerProcess(extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/object-server-main.ts"], {
    env: { ...process.env, ...extraEnv },
    // Its stdin stays open, unwritten, for as long as this process lives: when this process ends,
    // however it ends (a test run stopped with kill -9 or `pkill -f vitest`), the child reads the
    // end of it and exits, rather than living on with its port and data directory.
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let errors = "";
  child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening (http:\/\/\S+)/);
      if (match) resolve({ url: match[1]!, child, stderr: () => errors, stdout: () => output, kill, stop });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}\n${errors}`)));
  });
}

/**
 * For a file whose tests kill and restart the server against one origin: starts `origin` before
 * the tests; after them, kills the server process started last and stops the origin.
 */
export function serverProcessesFor(origin: RecordingOrigin): { start: (extraEnv?: Record<string, string>) => Promise<ServerProcess> } {
  let last: ServerProcess | null = null;
  beforeAll(async () => {
    await origin.start();
  });
  afterAll(async () => {
    await last?.kill();
    await origin.stop();
  });
  return { start: async (extraEnv) => (last = await startServerProcess(extraEnv)) };
}
