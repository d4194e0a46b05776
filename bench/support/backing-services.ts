/**
 * PostgreSQL and the single-node Ceph cluster on loopback for a benchmark, through the scripts the
 * tests use (scripts/start-postgres.sh, scripts/start-ceph.sh; PG_DIR, PG_PORT, CEPH_DIR,
 * CEPH_MON_PORT, CEPH_RGW_PORT choose where they run). Each is started only when it is not up, and
 * `stop()` stops only what was started here, so a bench run inside scripts/with-postgres-and-ceph.sh
 * (or next to a running cluster) leaves those alone.
 */
import { spawnSync } from "node:child_process";

export interface BackingService {
  /** The `export NAME=value` lines the start script printed (DATABASE_URL, or BLOB_STORE and BLOB_S3_*). */
  settings: Record<string, string>;
  startedHere: boolean;
  stop: () => void;
}

const unquote = (value: string) => (/^'.*'$/.test(value) ? value.slice(1, -1) : value);

function startService(name: "postgres" | "ceph"): BackingService {
  const started = spawnSync("bash", [`scripts/start-${name}.sh`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  process.stderr.write(started.stderr);
  if (started.status !== 0) throw new Error(`scripts/start-${name}.sh failed with exit code ${started.status}`);
  const settings = Object.fromEntries([...started.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1]!, unquote(match[2]!)]));
  // The scripts start nothing, and say so on stderr, when their server is already up.
  const startedHere = !/already running/.test(started.stderr);
  let stopped = false;
  const stop = () => {
    if (!startedHere || stopped) return;
    stopped = true;
    spawnSync("bash", [`scripts/stop-${name}.sh`], { stdio: ["ignore", "ignore", "inherit"] });
  };
  return { settings, startedHere, stop };
}

/** Starts (or finds) both; on SIGINT or SIGTERM stops what it started before the process exits. */
export function startBackingServices(): { postgres: BackingService; ceph: BackingService; stop: () => void } {
  const postgres = startService("postgres");
  let ceph: BackingService;
  try {
    ceph = startService("ceph");
  } catch (error) {
    postgres.stop();
    throw error;
  }
  const stop = () => {
    postgres.stop();
    ceph.stop();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  return { postgres, ceph, stop };
}
