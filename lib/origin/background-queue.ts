/**
 * A bounded queue of background jobs, grouped by origin: at most `perOrigin` run at once for one
 * origin, and at most `capacity` wait in all. A job submitted past the capacity is dropped and
 * counted; a job whose key is already waiting or running is not queued twice.
 */
type Job = () => Promise<void>;

interface OriginLane {
  running: number;
  waiting: { key: string; job: Job }[];
}

export class BackgroundQueue {
  private readonly lanes = new Map<string, OriginLane>();
  private readonly keys = new Set<string>();
  private queued = 0;
  private runningTotal = 0;
  private dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly perOrigin: number,
  ) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  submit(key: string, origin: string, job: Job): "started" | "queued" | "dropped" {
    const lane = this.lanes.get(origin) ?? { running: 0, waiting: [] };
    if (lane.running < this.perOrigin) {
      this.lanes.set(origin, lane);
      this.start(key, origin, lane, job);
      return "started";
    }
    if (this.queued >= this.capacity) {
      this.dropped += 1;
      return "dropped";
    }
    this.lanes.set(origin, lane);
    lane.waiting.push({ key, job });
    this.keys.add(key);
    this.queued += 1;
    return "queued";
  }

  private start(key: string, origin: string, lane: OriginLane, job: Job): void {
    lane.running += 1;
    this.runningTotal += 1;
    this.keys.add(key);
    void job()
      .catch(() => undefined)
      .finally(() => {
        lane.running -= 1;
        this.runningTotal -= 1;
        this.keys.delete(key);
        const next = lane.waiting.shift();
        if (next) {
          this.queued -= 1;
          this.start(next.key, origin, lane, next.job);
        } else if (lane.running === 0) this.lanes.delete(origin);
      });
  }

  stats(): { running: number; queued: number; dropped: number } {
    return { running: this.runningTotal, queued: this.queued, dropped: this.dropped };
  }
}
