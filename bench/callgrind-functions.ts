/**
 * Where the instructions of one callgrind dump went, against another, function by function and per
 * request: for the dumps `bench/telemetry-instructions.ts --keep-dumps` keeps, to say what logging
 * and metrics cost where. callgrind names V8's builtins and Node's C++ itself; JIT-compiled
 * JavaScript it shows as bare addresses, which this names from the perf map V8 writes when the app
 * runs with `--perf-basic-prof` (start the bench with NODE_OPTIONS=--perf-basic-prof: the apps
 * inherit it, and the map is /tmp/perf-<pid>.map, the pid being in the dump). Optimized code
 * includes what it inlined, so a JavaScript function's figure covers its inlined callees; an address
 * whose code was collected and replaced may be named after the later code. V8 also writes an
 * isolate-*-v8.log per isolate into the working directory then (ignored by git; delete them after).
 *
 *   NODE_OPTIONS=--perf-basic-prof npx tsx bench/telemetry-instructions.ts --keep-dumps
 *   npx tsx bench/callgrind-functions.ts <on-dir>/callgrind.out.N <off-dir>/callgrind.out.M [--requests=3000] [--top=40]
 *     [--event=Ir]
 *
 * `--event=` picks what is counted: `Ir` (instructions, the default), one of callgrind's cache events
 * when the dumps were made with `--cache-sim` (`I1mr`, `D1mr`, `D1mw`, `ILmr`, `DLmr`, `DLmw`: misses
 * of the instruction cache, of data reads and writes, at the first and the last level), or `cycles`:
 * the estimate bench/telemetry-instructions.ts prints (Ir + 10 × first-level misses + 100 ×
 * last-level misses), to say where memory traffic, not only instructions, went.
 *
 * Needs callgrind_annotate (valgrind's package).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { CACHE_EVENTS, cycleEstimate } from "./support/cycle-estimate";

const [onDump, offDump] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const option = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const requests = option("requests", 3000);
const top = option("top", 40);
const event = process.argv.find((arg) => arg.startsWith("--event="))?.slice("--event=".length) ?? "Ir";
if (event !== "Ir" && event !== "cycles" && !CACHE_EVENTS.includes(event)) {
  console.error(`--event=${event}: one of Ir, ${CACHE_EVENTS.join(", ")}, cycles`);
  process.exit(1);
}
/** The events callgrind_annotate shows, and how a function's figure is made from them. */
const shown = event === "cycles" ? ["Ir", ...CACHE_EVENTS] : [event];
const figure = (values: number[]) => (event === "cycles" ? cycleEstimate((name) => values[shown.indexOf(name)] ?? 0) : values[0]!);
if (!onDump || !offDump) {
  console.error("usage: npx tsx bench/callgrind-functions.ts <dump> <reference dump> [--requests=3000] [--top=40]");
  process.exit(1);
}

interface JitRange {
  start: number;
  end: number;
  name: string;
}

/** The JIT code ranges of the dump's process, sorted by start, or none without a perf map. */
function jitRanges(dump: string): JitRange[] {
  const pid = /^pid: (\d+)$/m.exec(readFileSync(dump, "utf8").slice(0, 4096))?.[1];
  const map = `/tmp/perf-${pid}.map`;
  if (!pid || !existsSync(map)) return [];
  return readFileSync(map, "utf8")
    .split("\n")
    .map((line) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, start, size, name]) => ({ start: parseInt(start!, 16), end: parseInt(start!, 16) + parseInt(size!, 16), name: `JS ${name}` }))
    .sort((a, b) => a.start - b.start);
}

/** The last range (the latest code) that holds `address`, by binary search then a short walk back. */
function jitName(ranges: JitRange[], address: number): string | null {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (ranges[middle]!.start <= address) low = middle + 1;
    else high = middle - 1;
  }
  for (let i = high; i >= 0 && i > high - 64; i--) if (ranges[i]!.start <= address && address < ranges[i]!.end) return ranges[i]!.name;
  return null;
}

/** One column of callgrind_annotate's table: a count (with its share when it is not zero), or "." for none. */
const COLUMN = String.raw`(?:([\d,]+)(?:\s+\(\s*[\d.]+%\))?|\.)\s+`;
const ROW = new RegExp(`^\\s*${COLUMN.repeat(shown.length)}(.+)$`);

/** Each function's own (exclusive) figure in the dump. */
function functionCosts(dump: string): Map<string, number> {
  const ranges = jitRanges(dump);
  const text = execFileSync("callgrind_annotate", ["--threshold=100", `--show=${shown.join(",")}`, `--sort=${shown[0]}`, dump], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (!new RegExp(`^Events recorded:.*\\b${shown[shown.length - 1]}\\b`, "m").test(text)) {
    console.error(`${dump}: no ${shown.join(", ")} events (cache events need the bench's --cache-sim)`);
    process.exit(1);
  }
  const costs = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = ROW.exec(line);
    if (!match || !/\d/.test(match[1] ?? "") || match[shown.length + 1]!.includes("PROGRAM TOTALS")) continue;
    const values = shown.map((_, i) => Number((match[i + 1] ?? "0").replaceAll(",", "")));
    let name = match[shown.length + 1]!.replace(/'\d+/g, "");
    const address = /^\?\?\?:0x([0-9a-f]+)/.exec(name);
    if (address) name = jitName(ranges, parseInt(address[1]!, 16)) ?? "JIT code (unnamed)";
    costs.set(name, (costs.get(name) ?? 0) + figure(values));
  }
  return costs;
}

const on = functionCosts(onDump);
const off = functionCosts(offDump);
const rows = [...new Set([...on.keys(), ...off.keys()])]
  .map((name) => ({ name, perRequest: ((on.get(name) ?? 0) - (off.get(name) ?? 0)) / requests }))
  .sort((a, b) => b.perRequest - a.perRequest);
console.log(`${event === "Ir" ? "Instructions" : event === "cycles" ? "Estimated cycles" : event} per request, ${onDump} minus ${offDump} (${requests} requests each); most added first, then most saved:\n`);
const total = (costs: Map<string, number>) => [...costs.values()].reduce((sum, value) => sum + value, 0);
console.log(`${((total(on) - total(off)) / requests).toFixed(0).padStart(9)}  in all (the functions listed by callgrind_annotate)\n`);
for (const { name, perRequest } of [...rows.slice(0, top), ...rows.slice(-Math.min(10, Math.max(0, rows.length - top))).reverse()]) {
  console.log(`${perRequest.toFixed(0).padStart(9)}  ${name.slice(0, 160)}`);
}
