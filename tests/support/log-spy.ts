/** What the in-process app logs while a test listens: each call as one line of text (fields as JSON). */
import { vi } from "vitest";
import { currentApp } from "@/lib/runtime/current-app";

export interface LogSpy {
  lines(): string[];
  restore(): void;
}

export function spyOnLog(level: "error" | "warn" | "info"): LogSpy {
  const spy = vi.spyOn(currentApp().telemetry.logger, level).mockImplementation(() => undefined);
  return {
    lines: () => spy.mock.calls.map((args: unknown[]) => args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" ")),
    restore: () => spy.mockRestore(),
  };
}
