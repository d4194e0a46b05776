import { describe, expect, it } from "vitest";
import { buildOriginHeaders, describeHeaderForwarding } from "./origin-headers";

const incoming: [string, string][] = [
  ["header1", "one"],
  ["Header2", "two"],
  ["host", "bucket.example"],
  ["authorization", "secret"],
  ["x-bce-date", "now"],
  ["cookie", "c=1"],
];

describe("buildOriginHeaders", () => {
  it("sends nothing by default", () => {
    expect([...buildOriginHeaders({ passAll: false, pass: [], prohibit: [], set: [] }, incoming)]).toEqual([]);
  });

  it("sends listed headers case-insensitively", () => {
    const sent = buildOriginHeaders({ passAll: false, pass: ["HEADER1", "header2", "missing"], prohibit: [], set: [] }, incoming);
    expect(Object.fromEntries(sent)).toEqual({ header1: "one", header2: "two" });
  });

  it("with pass-all, never sends forbidden or prohibited headers", () => {
    const sent = buildOriginHeaders({ passAll: true, pass: [], prohibit: ["Cookie"], set: [] }, incoming);
    expect(Object.fromEntries(sent)).toEqual({ header1: "one", header2: "two" });
  });

  it("sets configured headers over passed ones, but never a forbidden one", () => {
    const set = [
      { name: "Header1", value: "fixed" },
      { name: "Host", value: "evil" },
    ];
    const sent = buildOriginHeaders({ passAll: true, pass: [], prohibit: [], set }, incoming);
    expect(sent.get("header1")).toBe("fixed");
    expect(sent.get("host")).toBeUndefined();
  });
});

describe("describeHeaderForwarding", () => {
  it("says what would be sent", () => {
    expect(describeHeaderForwarding({ passAll: false, pass: [], prohibit: [], set: [] })).toBe("No request headers.");
    expect(describeHeaderForwarding({ passAll: false, pass: ["header1", "header2"], prohibit: ["header2"], set: [] })).toBe(
      "Request headers header1 when present.",
    );
    expect(
      describeHeaderForwarding({ passAll: true, pass: [], prohibit: ["Cookie"], set: [{ name: "X-From", value: "bos" }] }),
    ).toBe("All request headers, except Cookie (never Host, Authorization, Range or x-bce-*); always sets X-From.");
  });
});
