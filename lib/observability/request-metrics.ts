/**
 * The two metrics every request updates, `bosmirror_http_requests_total{protocol,operation,status}`
 * and `bosmirror_http_request_duration_seconds{protocol,operation}`, counted here and handed to
 * prom-client when scraped. prom-client's labelled children hash and validate their labels again
 * on every inc() and observe(), ~3 µs per request, over half of what issue 9 allows the hit path
 * for logging and metrics together; here a request is one Map lookup and a scan of 16 bounds.
 * The exposition is prom-client's own (request-metrics.test.ts compares it with plain prom-client
 * metrics fed the same requests).
 */
import { Counter, Histogram, type Registry } from "prom-client";

export type RequestLabels = { protocol: string; operation: string };

interface DurationSeries {
  labels: RequestLabels;
  /** Observations per bucket (not cumulative); one more slot for those above the last bound. */
  perBucket: number[];
  sum: number;
  count: number;
}

type HistogramSnapshot = Awaited<ReturnType<Histogram["get"]>>;

/**
 * A prom-client Histogram whose observations are aggregated here; get() (and the text exposition,
 * which prom-client's registry reads through getForPromString) renders them as prom-client would.
 */
class AggregatedHistogram extends Histogram<"protocol" | "operation"> {
  private readonly series = new Map<string, DurationSeries>();
  private readonly bounds: readonly number[];

  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    buckets: number[],
    registry: Registry,
  ) {
    super({ name: metricName, help: metricHelp, labelNames: ["protocol", "operation"], buckets, registers: [registry] });
    this.bounds = [...buckets].sort((a, b) => a - b);
  }

  record(id: string, labels: RequestLabels, seconds: number): void {
    let series = this.series.get(id);
    if (!series) {
      series = { labels, perBucket: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(id, series);
    }
    // prom-client counts a value in the first bucket whose bound is not below it (le is inclusive).
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket++;
    series.perBucket[bucket]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  override async get(): Promise<HistogramSnapshot> {
    return this.snapshot();
  }

  /** What prom-client's Registry reads for the text exposition (not in its type declarations). */
  async getForPromString(): Promise<HistogramSnapshot> {
    return this.snapshot();
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist.
    this.series?.clear();
    super.reset();
  }

  private snapshot(): HistogramSnapshot {
    const values: HistogramSnapshot["values"] = [];
    for (const { labels, perBucket, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += perBucket[i]!;
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${this.metricName}_bucket` });
      });
      values.push({ labels: { le: "+Inf", ...labels }, value: count, metricName: `${this.metricName}_bucket` });
      values.push({ labels: { ...labels }, value: sum, metricName: `${this.metricName}_sum` });
      values.push({ labels: { ...labels }, value: count, metricName: `${this.metricName}_count` });
    }
    // The shape prom-client's own get() returns; its declared type also names a `collect` that get() never returns.
    const snapshot = { name: this.metricName, help: this.metricHelp, type: "histogram", values, aggregator: "sum" };
    return snapshot as unknown as HistogramSnapshot;
  }
}

export class RequestMetrics {
  private readonly counts = new Map<string, { labels: RequestLabels & { status: string }; pending: number }>();
  private readonly durations: AggregatedHistogram;
  /** Interned label sets per protocol and operation (the operation names are a fixed set). */
  private readonly labelSets = new Map<string, RequestLabels>();

  constructor(registry: Registry, buckets: number[]) {
    const counts = this.counts;
    new Counter({
      name: "bosmirror_http_requests_total",
      help: "HTTP requests answered, by protocol, named operation and status",
      labelNames: ["protocol", "operation", "status"],
      registers: [registry],
      // Runs before every scrape: what was counted since the last one goes into prom-client's counter.
      collect() {
        for (const entry of counts.values()) {
          if (entry.pending === 0) continue;
          this.inc(entry.labels, entry.pending);
          entry.pending = 0;
        }
      },
    });
    this.durations = new AggregatedHistogram(
      "bosmirror_http_request_duration_seconds",
      "Time from a request's arrival to the end of its response, by protocol and named operation",
      buckets,
      registry,
    );
  }

  record(protocol: string, operation: string, status: number, seconds: number): void {
    const id = `${protocol} ${operation}`;
    let labels = this.labelSets.get(id);
    if (!labels) this.labelSets.set(id, (labels = { protocol, operation }));
    const countId = `${id} ${status}`;
    let count = this.counts.get(countId);
    if (!count) this.counts.set(countId, (count = { labels: { ...labels, status: String(status) }, pending: 0 }));
    count.pending += 1;
    this.durations.record(id, labels, seconds);
  }
}
