import { describe, expect, it } from "vitest";
import type { AuditEventView } from "./audit-log";
import { AUDIT_ACTIONS } from "./audit-actions";
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

  it("says what happened to objects and to a bucket being emptied", () => {
    expect(describeAuditEvent(event({ action: "object.upload", target: "a/b.txt" }))).toBe("“a/b.txt” uploaded");
    expect(describeAuditEvent(event({ action: "object.upload", target: "a/b.txt", before: { key: "a/b.txt", size: 1 } }))).toBe("“a/b.txt” replaced by an upload");
    expect(describeAuditEvent(event({ action: "object.delete", before: { keys: ["x.bin"] } }))).toBe("Object “x.bin” deleted");
    expect(describeAuditEvent(event({ action: "object.delete", before: { keys: ["x", "y", "z"] } }))).toBe("3 objects deleted");
    expect(describeAuditEvent(event({ action: "object.presign", target: "x.bin" }))).toBe("Presigned link to “x.bin” made");
    expect(describeAuditEvent(event({ action: "bucket.empty", target: "job", before: { objects: 2500 } }))).toBe("Emptying started: 2,500 objects to delete");
    expect(describeAuditEvent(event({ action: "bucket.emptied", after: { state: "completed", deleted: 2500, failed: 0, remaining: 0 } }))).toBe(
      "Bucket emptied: 2,500 objects deleted",
    );
    expect(describeAuditEvent(event({ action: "bucket.emptied", after: { state: "failed", deleted: 1, failed: 2, remaining: 2 } }))).toBe(
      "Emptying stopped: 1 object deleted, 2 objects left",
    );
  });

  it("describes every action the log records in words, never as its raw name", () => {
    for (const action of AUDIT_ACTIONS) {
      const words = describeAuditEvent(event({ action, target: "t" }));
      expect(words, action).not.toContain(action);
      expect(words, action).toMatch(/^[A-Z“0-9]/);
    }
  });

  it("shows an action it does not know as recorded", () => {
    expect(describeAuditEvent(event({ action: "object.purge", target: "x" }))).toBe("object.purge x");
    expect(describeAuditEvent(event({ action: "toString" }))).toBe("toString");
  });

  it("names the actor", () => {
    expect(describeAuditActor("user:a@b.c")).toBe("a@b.c");
    expect(describeAuditActor("key:AK1")).toBe("Access key AK1");
    expect(describeAuditActor("system")).toBe("The system");
  });
});
