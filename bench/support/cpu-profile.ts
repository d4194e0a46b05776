/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function and per group
 * (md5, undici's parser, streams and promises, socket writes, fs, ...), optionally only for the
 * samples taken inside given time windows (microseconds on the monotonic clock, the one both
 * V8's profiler and process.hrtime use, so another process can say when it was measuring).
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Milliseconds of samples inside the windows, idle included. */
  wallMs: number;
  /** Milliseconds not idle. */
  busyMs: number;
  groups: { group: string; ms: number }[];
  functions: { name: string; group: string; ms: number }[];
}

/** The group a frame's self time counts for; order matters (first match wins). */
const GROUPS: [string, (frame: CallFrame, stack: string) => boolean][] = [
  ["idle", (f) => f.functionName === "(idle)"],
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  ["md5 (hash.update / digest; with the worker: the copy and postMessage)", (f, s) => /internal\/crypto\/hash|md5-worker/.test(f.url) || (f.url === "" && /^[^<]*<[^<]*(internal\/crypto\/hash|md5-worker)/.test(s))],
  // Native calls (no URL) count for whoever called them: fs/promises' writev is the temp file, stream_base's the socket.
  ["fs (temp file writes, reads, fsync)", (f, s) => /^node:(fs|internal\/fs)/.test(f.url) || (f.url === "" && /^[^<]*<[^<]*node:(fs|internal\/fs)/.test(s))],
  ["undici HTTP parser (llhttp wasm, client-h1)", (f) => f.url.startsWith("wasm://") || /undici\/lib\/(dispatcher\/client-h1|llhttp)/.test(f.url)],
  ["undici body stream and other undici", (f) => /node_modules\/undici\//.test(f.url)],
  ["socket reads and writes (net, http outgoing)", (f, s) => /^node:(net|_http_outgoing|_http_server|_http_common|internal\/stream_base_commons|internal\/net)/.test(f.url) || (f.url === "" && /^[^<]*<[^<]*node:(net|internal\/stream_base_commons)/.test(s))],
  ["streams (Readable, pipeline, from)", (f) => /^node:(internal\/streams|stream)/.test(f.url)],
  ["promises, async iteration, ticks", (f) => /^node:internal\/(process\/task_queues|async_hooks)|^node:async_hooks/.test(f.url) || (f.url === "" && /^(runMicrotasks|processTicksAndRejections)$/.test(f.functionName))],
  ["app: mirror fetch, ingest, object API", (f) => /\/lib\/(origin|object-api|objects|storage|http)\//.test(f.url)],
  ["native, not attributed ((program))", (f) => f.functionName === "(program)"],
  ["other node internals", (f) => f.url.startsWith("node:")],
];

export function summariseProfile(file: string, windows?: [number, number][]): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /** The frame and its callers, innermost first: a native call counts for whoever called it. */
  const stackPath = (id: number): string => {
    const names: string[] = [];
    for (let at: number | undefined = id; at !== undefined && names.length < 6; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      names.push(`${frame.functionName}@${frame.url}`);
    }
    return names.join(" < ");
  };
  const selfUs = new Map<number, number>();
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i]!;
    // The sample's interval is the delta to the next one.
    const interval = profile.timeDeltas[i + 1] ?? 0;
    if (windows && !windows.some(([from, to]) => time >= from && time <= to)) continue;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + interval);
  }
  const groups = new Map<string, number>();
  const functions = new Map<string, { name: string; group: string; ms: number }>();
  let wall = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const stack = stackPath(id);
    const group = GROUPS.find(([, test]) => test(frame, stack))?.[0] ?? "other (app libraries)";
    groups.set(group, (groups.get(group) ?? 0) + us / 1000);
    const url = frame.url.replace(/^file:\/\/.*\/(node_modules|lib|bench)\//, "$1/");
    const name = `${frame.functionName || "(anonymous)"} ${url ? `${url}:${frame.lineNumber + 1}` : ""}`.trim();
    const entry = functions.get(name) ?? { name, group, ms: 0 };
    entry.ms += us / 1000;
    functions.set(name, entry);
    wall += us / 1000;
  }
  const idle = groups.get("idle") ?? 0;
  return {
    wallMs: wall,
    busyMs: wall - idle,
    groups: [...groups].map(([group, ms]) => ({ group, ms })).sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()].filter((f) => f.group !== "idle").sort((a, b) => b.ms - a.ms),
  };
}

/**
 * Self time per run: a miss in milliseconds, or (`unit` "request", for many short runs like the
 * hit path's requests) a request in microseconds.
 */
export function formatSummary(summary: ProfileSummary, runs: number, top = 20, unit: "miss" | "request" = "miss"): string {
  const [scale, ms] = unit === "miss" ? [1, "ms"] : [1000, "µs"];
  const per = (value: number) => ((value * scale) / runs).toFixed(1);
  const lines = [
    `Main thread, per ${unit} (${runs.toFixed(0)} ${unit === "miss" ? "misses" : "requests"}): ${per(summary.wallMs)} ${ms} sampled, ${per(summary.busyMs)} ${ms} busy.`,
    "",
    `| group | self ${ms} per ${unit} | share of busy |`,
    "|---|---|---|",
    ...summary.groups.filter((g) => g.group !== "idle").map((g) => `| ${g.group} | ${per(g.ms)} | ${((100 * g.ms) / summary.busyMs).toFixed(0)}% |`),
    `| (idle) | ${per(summary.groups.find((g) => g.group === "idle")?.ms ?? 0)} | |`,
    "",
    `| top ${top} functions by self time | group | ${ms} per ${unit} |`,
    "|---|---|---|",
    ...summary.functions.slice(0, top).map((f) => `| \`${f.name}\` | ${f.group} | ${per(f.ms)} |`),
  ];
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("cpu-profile.ts") && process.argv[2]) {
  console.log(formatSummary(summariseProfile(process.argv[2]), Number(process.argv[3] ?? 1)));
}
