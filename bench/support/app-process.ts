/**
 * Starts the production app (`tsx server.ts`, after `next build`) on a fresh data directory, or on
 * `extraEnv.DATA_DIR` when given (instances sharing one, as several instances share the master key):
 * that directory is the caller's, left in place on stop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface AppProcess {
  baseUrl: string;
  dataDir: string;
  child: ChildProcess;
  /** Where its stdout (the JSON log) goes, as a log shipper would read it: a file in the data directory. */
  logFile: string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** A command the app's node runs under, e.g. ["valgrind", "--tool=callgrind"]: node and its arguments follow it. */
  launcher?: string[];
  /** How long the app may take to answer its first request (60 s by default; far longer under valgrind). */
  startTimeoutMs?: number;
}

/**
 * `nodeArgs`: extra node options for the app, e.g. ["--cpu-prof", "--cpu-prof-dir=..."]. `appDir`: the
 * checkout to run (another build of the app, for before/after figures in one run); this one by default.
 * `extraEnv.DATA_DIR`: a data directory shared by several instances (otherwise a fresh one).
 */
export async function startApp(port: number, extraEnv: Record<string, string> = {}, nodeArgs: string[] = [], appDir?: string, options: StartOptions = {}): Promise<AppProcess> {
  const ownDataDir = extraEnv.DATA_DIR === undefined;
  const dataDir = extraEnv.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), "bos-mirror-bench-"));
  // A file, not a pipe nobody reads: a full pipe would stall the app's log writes.
  const logFile = path.join(dataDir, ownDataDir ? "app.log" : `app-${port}.log`);
  const log = openSync(logFile, "a");
  const [command, ...launcherArgs] = [...(options.launcher ?? []), process.execPath];
  const child = spawn(command!, [...launcherArgs, ...nodeArgs, "--import", "tsx", "server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), ...extraEnv, DATA_DIR: dataDir },
    stdio: ["ignore", log, "inherit"],
    cwd: appDir,
  });
  closeSync(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}; run \`npm run build\` first`);
    // Any HTTP answer (a 401 included) means the server is listening.
    const listening = await fetch(`${baseUrl}/api/auth/session`).then(
      () => true,
      () => false,
    );
    if (listening) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the app did not start within ${startTimeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // Stopping removes its own data directory too (a bench leaves GiBs of blobs behind otherwise).
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }).then(() => {
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    });
  return { baseUrl, dataDir, child, logFile, stop };
}
