/**
 * Accessibility scan shared by every spec: axe-core against WCAG 2.0, 2.1 and 2.2 A and AA, failing
 * the test on any violation with a readable list (rule, impact, the offending elements).
 *
 *   await expectNoAxeViolations(page, testInfo, "bucket list");
 *
 * Scan after the state you mean to check is on screen (a dialog open, a form with errors): axe
 * reads the DOM as it is at that moment. The full results are attached to the test report.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

export interface AxeScanOptions {
  /** Limit the scan to one part of the page (a CSS selector), e.g. an open dialog. */
  include?: string;
}

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown; failureSummary?: string }[];
}

export function formatAxeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes.map((node) => `    ${JSON.stringify(node.target)}: ${node.failureSummary ?? ""}`.replace(/\n/g, " "));
      return `${violation.id} (${violation.impact ?? "unknown impact"}): ${violation.help}\n${nodes.join("\n")}`;
    })
    .join("\n");
}

export async function expectNoAxeViolations(page: Page, testInfo: TestInfo, label: string, options: AxeScanOptions = {}): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_22_AA_TAGS);
  if (options.include) builder = builder.include(options.include);
  const results = await builder.analyze();
  await testInfo.attach(`axe: ${label}`, { body: JSON.stringify(results.violations, null, 2), contentType: "application/json" });
  expect(results.violations, `axe violations on ${label}:\n${formatAxeViolations(results.violations)}`).toEqual([]);
}
