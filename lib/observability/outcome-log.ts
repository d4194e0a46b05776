/** One log line per back-to-origin outcome: failures as warnings, the rest as information. */
import type { MirrorOutcome, MirrorOutcomeSink } from "@/lib/origin/mirror-outcome";
import type { Logger } from "./logger";

export function outcomeLog(logger: Logger): MirrorOutcomeSink {
  return {
    record(outcome: MirrorOutcome) {
      const level = outcome.outcome === "failed" || outcome.outcome === "circuit-open" ? "warn" : "info";
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          event: "mirror",
          bucket: outcome.bucketName,
          rule: outcome.ruleId,
          key: outcome.key,
          outcome: outcome.outcome,
          source: outcome.source,
          status: outcome.status,
          reason: outcome.reason,
          originUrl: outcome.originUrl,
          bytes: outcome.bytes,
          durationMs: Math.round(outcome.durationMs),
        },
        `back-to-origin ${outcome.outcome}`,
      );
    },
  };
}

/** Every sink hears every outcome; one that throws does not keep the others from it. */
export function fanOut(sinks: MirrorOutcomeSink[], onError: (error: unknown) => void): MirrorOutcomeSink {
  return {
    record(outcome) {
      for (const sink of sinks) {
        try {
          sink.record(outcome);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
