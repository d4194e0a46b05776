import { describe, expect, it } from "vitest";
import type { AuditEventView } from "./audit-log";
import { describeAuditActor, describeAuditEvent } from "./audit-format";

const event = (fields: Partial<AuditEventView>): AuditEventView => ({
  id: 1,
  at: "",
  actor: "system",
  action: "bucket.create",
  bucket: "b",
  target: null,
  before: null,
  after: null,
  requestId: "r",
  ...fields,
});

describe("describeAuditEvent", () => {
  it("says what happened in words, with the rule's number", () => {
    expect(describeAuditEvent(event({ action: "bucket.acl", after: { acl: "public-read" } }))).toBe("Access changed to public read");
    expect(describeAuditEvent(event({ action: "rule.update", target: "3" }))).toBe("Rule #3 changed");
    expect(describeAuditEvent(event({ action: "rule.disable", target: "2" }))).toBe("Rule #2 disabled");
    expect(describeAuditEvent(event({ action: "rules.replace", before: [{}], after: [{}, {}] }))).toBe("All rules replaced (BOS JSON): 1 removed, 2 added");
    expect(describeAuditEvent(event({ action: "accessKey.disable", target: "AK1" }))).toBe("Access key AK1 disabled");
  });

  it("shows an action it does not know as recorded", () => {
    expect(describeAuditEvent(event({ action: "object.purge", target: "x" }))).toBe("object.purge x");
  });

  it("names the actor", () => {
    expect(describeAuditActor("user:a@b.c")).toBe("a@b.c");
    expect(describeAuditActor("key:AK1")).toBe("Access key AK1");
    expect(describeAuditActor("system")).toBe("The system");
  });
});
