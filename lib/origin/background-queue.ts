/**
 * Redirect mode's background fetches: at most `capacity` pending at once (waiting for a turn at
 * their origin, or running). A job submitted past the capacity is dropped and counted; a job whose
 * key is already pending is not queued twice. How many run at once per origin is not decided here
 * but by the origin limiter (origin-limiter.ts), which every kind of pull shares.
 */
type Job = () => Promise<void>;

export class BackgroundQueue {
  private readonly keys = new Set<string>();
  private dropped = 0;

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  submit(key: string, job: Job): "queued" | "dropped" {
    if (this.keys.size >= this.capacity) {
      this.dropped += 1;
      return "dropped";
    }
    this.keys.add(key);
    void job()
      .catch(() => undefined)
      .finally(() => this.keys.delete(key));
    return "queued";
  }

  stats(): { pending: number; dropped: number } {
    return { pending: this.keys.size, dropped: this.dropped };
  }
}
