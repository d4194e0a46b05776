/**
 * The two metrics every request updates, `bosmirror_http_requests_total{protocol,operation,status}`
 * and `bosmirror_http_request_duration_seconds{protocol,operation}`, counted here and handed to
 * prom-client when scraped. prom-client's labelled children hash and validate their labels again
 * on every inc() and observe(), ~3 µs per request, over half of what issue 9 allows the hit path
 * for logging and metrics together; here a request is at most three Map lookups by keys whose hash is
 * already known (the protocol and operation names are constants, the status a small integer), none
 * when it is of the operation and status last recorded, and a scan of 16 bounds: no label string is built or hashed per request.
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
  /** Whether the histogram lists it: from its first observation (again after a reset). */
  listed: boolean;
}

type HistogramSnapshot = Awaited<ReturnType<Histogram["get"]>>;

/**
 * A prom-client Histogram whose observations are aggregated here; get() (and the text exposition,
 * which prom-client's registry reads through getForPromString) renders them as prom-client would.
 */
class AggregatedHistogram extends Histogram<"protocol" | "operation"> {
  /** In the order first observed, as prom-client lists them. */
  private readonly series: DurationSeries[] = [];
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

  /** A series for one label set, made once by the caller, who keeps it. */
  add(labels: RequestLabels): DurationSeries {
    return { labels, perBucket: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0, listed: false };
  }

  record(series: DurationSeries, seconds: number): void {
    if (!series.listed) {
      series.listed = true;
      this.series.push(series);
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
    // Callers keep their series: they start again from zero, and (as prom-client's do after a reset)
    // are listed again from their next observation. prom-client's constructor calls reset() before
    // this class's fields exist.
    for (const series of this.series ?? []) {
      series.perBucket.fill(0);
      series.sum = 0;
      series.count = 0;
      series.listed = false;
    }
    if (this.series) this.series.length = 0;
    super.reset();
  }

  private snapshot(): HistogramSnapshot {
    const values: HistogramSnapshot["values"] = [];
    for (const { labels, perBucket, sum, count } of this.series) {
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

/** One protocol and operation: its durations, and its count per status. */
interface OperationSeries {
  labels: RequestLabels;
  durations: DurationSeries;
  byStatus: Map<number, StatusCount>;
  /** The status last counted, and its count: a run of like answers skips the Map. */
  lastStatus: number;
  lastCount: StatusCount | null;
}

interface StatusCount {
  labels: RequestLabels & { status: string };
  /** Counted since the last scrape. */
  pending: number;
  /** Whether prom-client's counter has it: from its first count (again after a reset). */
  listed: boolean;
}

/**
 * prom-client's Counter, fed at each scrape with what was counted since the last one, in the order
 * prom-client would have first seen each label set (since the last reset).
 */
class AggregatedCounter extends Counter<"protocol" | "operation" | "status"> {
  private readonly listed: StatusCount[] = [];

  constructor(registry: Registry) {
    super({
      name: "bosmirror_http_requests_total",
      help: "HTTP requests answered, by protocol, named operation and status",
      labelNames: ["protocol", "operation", "status"],
      registers: [registry],
      // Runs before every scrape, on this counter (prom-client types `this` as a plain Counter).
      collect() {
        (this as AggregatedCounter).handOver();
      },
    });
  }

  private handOver(): void {
    for (const entry of this.listed) {
      if (entry.pending === 0) continue;
      this.inc(entry.labels, entry.pending);
      entry.pending = 0;
    }
  }

  count(entry: StatusCount): void {
    if (!entry.listed) {
      entry.listed = true;
      this.listed.push(entry);
    }
    entry.pending += 1;
  }

  override reset(): void {
    // Counts not yet handed over go too. prom-client's constructor calls reset() before this class's fields exist.
    for (const entry of this.listed ?? []) {
      entry.pending = 0;
      entry.listed = false;
    }
    if (this.listed) this.listed.length = 0;
    super.reset();
  }
}

export class RequestMetrics {
  /** By protocol, then operation. */
  private readonly byProtocol = new Map<string, Map<string, OperationSeries>>();
  private readonly counts: AggregatedCounter;
  private readonly durations: AggregatedHistogram;
  /** The series last recorded: a run of requests of one operation skips the Maps. */
  private last: OperationSeries | null = null;

  constructor(registry: Registry, buckets: number[]) {
    this.counts = new AggregatedCounter(registry);
    this.durations = new AggregatedHistogram(
      "bosmirror_http_request_duration_seconds",
      "Time from a request's arrival to the end of its response, by protocol and named operation",
      buckets,
      registry,
    );
  }

  record(protocol: string, operation: string, status: number, seconds: number): void {
    let series = this.last;
    if (series === null || protocol !== series.labels.protocol || operation !== series.labels.operation) this.last = series = this.seriesOf(protocol, operation);
    let count = series.lastCount;
    if (count === null || status !== series.lastStatus) {
      count = series.byStatus.get(status) ?? null;
      if (count === null) series.byStatus.set(status, (count = { labels: { ...series.labels, status: String(status) }, pending: 0, listed: false }));
      series.lastStatus = status;
      series.lastCount = count;
    }
    this.counts.count(count);
    this.durations.record(series.durations, seconds);
  }

  private seriesOf(protocol: string, operation: string): OperationSeries {
    let operations = this.byProtocol.get(protocol);
    if (!operations) this.byProtocol.set(protocol, (operations = new Map()));
    let series = operations.get(operation);
    if (!series) {
      const labels = { protocol, operation };
      operations.set(operation, (series = { labels, durations: this.durations.add(labels), byStatus: new Map(), lastStatus: 0, lastCount: null }));
    }
    return series;
  }
}
