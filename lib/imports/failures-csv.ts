/**
 * The failures of an import job as CSV (RFC 4180), safe to open in a spreadsheet: a cell that a
 * spreadsheet would take for a formula (starting with =, +, -, @, a tab or a carriage return) is
 * prefixed with a single quote, so a key chosen by whoever controls the key list cannot run anything.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(cells: string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export const FAILURES_CSV_HEADER = csvRow(["key", "reason"]);
