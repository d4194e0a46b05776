/** Runs wrk (1 thread, 32 connections) against a URL and reads its figures. */
import { execFileSync } from "node:child_process";

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

export function wrk(url: string, seconds = 5): { requests: number; requestsPerSecond: number; bytesPerSecond: number } {
  const output = execFileSync("wrk", ["-t1", "-c32", `-d${seconds}s`, url], { encoding: "utf8" });
  const completed = output.match(/(\d+) requests in/);
  const requests = output.match(/Requests\/sec:\s+([\d.]+)/);
  const transfer = output.match(/Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/);
  if (!completed || !requests || !transfer || /Non-2xx/.test(output)) throw new Error(`wrk against ${url} failed:\n${output}`);
  return { requests: Number(completed[1]), requestsPerSecond: Number(requests[1]), bytesPerSecond: Number(transfer[1]) * UNITS[transfer[2]!]! };
}
