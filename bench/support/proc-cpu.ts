/**
 * CPU time of a process from /proc (Linux): its main thread and all its threads, in ms. Unlike
 * wall-clock timings and sampled profiles, these count only time on a CPU, so they hold up on a
 * busy machine.
 */
import { readFileSync, readdirSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

function threadTicks(pid: number, tid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // the thread ended
  }
}

export interface CpuSnapshot {
  main: number;
  all: number;
  /** User time of all threads (`all` less the kernel's time: system calls, socket and file I/O). */
  user: number;
}

export function cpuSnapshot(pid: number): CpuSnapshot {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime + stime of the process, plus its ended children's would be cutime/cstime: threads are included in utime/stime.
  const all = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  return { main: threadTicks(pid, pid) * TICK_MS, all, user: Number(fields[11]) * TICK_MS };
}

export function cpuSince(pid: number, before: CpuSnapshot): CpuSnapshot {
  const now = cpuSnapshot(pid);
  return { main: now.main - before.main, all: now.all - before.all, user: now.user - before.user };
}

/** CPU ms so far of each thread, keyed by tid, with the thread's name (/proc/.../comm). */
export function threadCpu(pid: number): Map<number, { name: string; ms: number }> {
  const threads = new Map<number, { name: string; ms: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = Number(tid) === pid ? "main thread" : readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      threads.set(Number(tid), { name, ms: threadTicks(pid, Number(tid)) * TICK_MS });
    } catch {
      // ended
    }
  }
  return threads;
}

/** CPU ms per thread name between two threadCpu() readings (threads of one name added up). */
export function cpuByThreadName(before: Map<number, { name: string; ms: number }>, after: Map<number, { name: string; ms: number }>): Map<string, number> {
  const byName = new Map<string, number>();
  for (const [tid, { name, ms }] of after) byName.set(name, (byName.get(name) ?? 0) + ms - (before.get(tid)?.ms ?? 0));
  return byName;
}
