/** Runs wrk (1 thread, 32 connections) against a URL and reads its figures. */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

export interface WrkResult {
  /** Requests completed in the run. */
  requests: number;
  requestsPerSecond: number;
  bytesPerSecond: number;
}

const args = (url: string, seconds: number, connections: number) => ["-t1", `-c${connections}`, `-d${seconds}s`, url];

function parse(url: string, output: string): WrkResult {
  const completed = output.match(/(\d+) requests in/);
  const requests = output.match(/Requests\/sec:\s+([\d.]+)/);
  const transfer = output.match(/Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/);
  if (!completed || !requests || !transfer || /Non-2xx/.test(output)) throw new Error(`wrk against ${url} failed:\n${output}`);
  return { requests: Number(completed[1]), requestsPerSecond: Number(requests[1]), bytesPerSecond: Number(transfer[1]) * UNITS[transfer[2]!]! };
}

export function wrk(url: string, seconds = 5, connections = 32): WrkResult {
  return parse(url, execFileSync("wrk", args(url, seconds, connections), { encoding: "utf8" }));
}

/** The same, without blocking: several wrk runs at once load several servers over the same seconds. */
export async function wrkAsync(url: string, seconds = 5, connections = 32): Promise<WrkResult> {
  const { stdout } = await promisify(execFile)("wrk", args(url, seconds, connections), { encoding: "utf8" });
  return parse(url, stdout);
}
