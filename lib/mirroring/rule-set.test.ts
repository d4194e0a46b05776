import { describe, expect, it } from "vitest";
import { MAX_RULES_PER_BUCKET } from "./limits";
import { mirrorRuleSchema } from "./rule-schema";
import {
  addRuleBlocker,
  checkRuleForBucket,
  conditionsOverlap,
  conflictMessage,
  findConflictingRules,
  findListConflict,
  findMatchingRule,
  ruleLabel,
} from "./rule-set";

const cond = (conditionPrefix: string, conditionSuffix = "", id = 1) => ({ id, conditionPrefix, conditionSuffix });

describe("conflicts", () => {
  it.each([
    [cond("abc"), cond("abc/aa"), true],
    [cond("abc"), cond("abd"), false],
    [cond("", ".jpg"), cond("img", ".jpg"), true],
    [cond("", ".jpg"), cond("", ".png"), false],
    [cond("", ".jpg"), cond("", "thumb.jpg"), true],
    [cond("a", ".jpg"), cond("b", ".jpg"), false],
    [cond("", ""), cond("anything", ".x"), true],
  ])("%o and %o overlap: %s", (a, b, expected) => {
    expect(conditionsOverlap(a, b)).toBe(expected);
    expect(conditionsOverlap(b, a)).toBe(expected);
  });

  it("names the other rule and ignores the rule being edited", () => {
    const rules = [cond("abc", "", 1), cond("xyz", "", 2)];
    expect(findConflictingRules(cond("abc/aa"), rules)[0]?.id).toBe(1);
    expect(findConflictingRules(cond("abcd"), rules, 1)).toEqual([]);
    expect(ruleLabel(rules[0]!)).toBe('Rule #1 (prefix "abc")');
    expect(ruleLabel(cond("", "", 7))).toBe("Rule #7 (every key)");
  });

  it("finds the rule that serves a key", () => {
    const rules = [cond("abc", ".jpg", 1), cond("xyz", "", 2)];
    expect(findMatchingRule(rules, "abc/1.jpg")?.id).toBe(1);
    expect(findMatchingRule(rules, "abc/1.png")).toBeNull();
    expect(findMatchingRule(rules, "xyz")?.id).toBe(2);
  });
});

describe("addRuleBlocker", () => {
  it("allows a rule while there is room and no catch-all", () => {
    expect(addRuleBlocker([cond("a")])).toBeNull();
  });
  it(`blocks the ${MAX_RULES_PER_BUCKET + 1}st rule`, () => {
    const full = Array.from({ length: MAX_RULES_PER_BUCKET }, (_, i) => cond(`p${i}`));
    expect(addRuleBlocker(full)).toMatch(/already has 20 rules/);
  });
  it("blocks any rule beside a catch-all", () => {
    expect(addRuleBlocker([cond("")])).toMatch(/every key/);
  });
});

describe("checkRuleForBucket", () => {
  const base = { origin: { type: "url", host: "a.com" }, storageClass: "STANDARD" } as const;
  const context = { bucketName: "mine", zoneType: "SINGLE_AZ", otherBucketNames: ["other"] } as const;

  it("accepts a storage class of the bucket's zone type only", () => {
    expect(checkRuleForBucket(mirrorRuleSchema.parse(base), context)).toEqual([]);
    const multi = mirrorRuleSchema.parse({ ...base, storageClass: "MAZ_STANDARD" });
    expect(checkRuleForBucket(multi, context)).toEqual([
      { path: "storageClass", message: "MAZ_STANDARD is not available in a single-AZ bucket." },
    ]);
    expect(checkRuleForBucket(mirrorRuleSchema.parse(base), { ...context, zoneType: "MULTI_AZ" })).toHaveLength(1);
  });

  it("accepts only another existing bucket as a bucket origin", () => {
    const rule = (bucket: string) => mirrorRuleSchema.parse({ ...base, origin: { type: "bucket", bucket } });
    expect(checkRuleForBucket(rule("other"), context)).toEqual([]);
    expect(checkRuleForBucket(rule("mine"), context)[0]?.message).toBe("A bucket cannot be its own origin.");
    expect(checkRuleForBucket(rule("ghost"), context)[0]).toEqual({
      path: "origin.bucket",
      message: "There is no bucket named ghost.",
    });
  });
});

describe("a condition that overlaps several rules", () => {
  it("names every one of them", () => {
    const rules = [
      { id: 1, conditionPrefix: "img/", conditionSuffix: "" },
      { id: 2, conditionPrefix: "docs/", conditionSuffix: "" },
      { id: 3, conditionPrefix: "img/2024/", conditionSuffix: "" },
    ];
    const conflicts = findConflictingRules({ conditionPrefix: "img", conditionSuffix: "" }, rules);
    expect(conflicts.map((rule) => rule.id)).toEqual([1, 3]);
    expect(conflictMessage(conflicts)).toBe('This condition overlaps Rule #1 (prefix "img/") and Rule #3 (prefix "img/2024/"): a key could match this rule and either of them.');
  });

  it("says both for one other rule, either for two, any for more (never all: they need not overlap each other)", () => {
    const others = [cond("a/x", "", 1), cond("a/y", "", 2), cond("a/z", "", 3)];
    expect(conflictMessage(others.slice(0, 1))).toBe('This condition overlaps Rule #1 (prefix "a/x"): one key could match both rules.');
    expect(conflictMessage(others)).toBe(
      'This condition overlaps Rule #1 (prefix "a/x"), Rule #2 (prefix "a/y") and Rule #3 (prefix "a/z"): a key could match this rule and any of them.',
    );
  });
});

describe("conflicts within a list of rules not stored yet (a BOS JSON import)", () => {
  const list = (...prefixes: string[]) => prefixes.map((prefix) => ({ conditionPrefix: prefix.replace(/\*$/, ""), conditionSuffix: "" }));

  it("accepts a list whose rules do not overlap", () => {
    expect(findListConflict(list("a/x", "a/y", "b"))).toBeNull();
    expect(findListConflict([])).toBeNull();
  });

  it("names every earlier rule the first overlapping rule overlaps, numbered from 1 as the list is", () => {
    expect(findListConflict(list("a/x", "a/y", "a"))).toEqual({
      position: 3,
      overlaps: [1, 2],
      message: 'Rule 3 (prefix "a") overlaps rule 1 (prefix "a/x") and rule 2 (prefix "a/y"): a key could match rule 3 and either of them.',
    });
  });

  it("words one, two and three overlapped rules correctly", () => {
    expect(findListConflict(list("a", "ab"))?.message).toBe('Rule 2 (prefix "ab") overlaps rule 1 (prefix "a"): one key could match both rules.');
    expect(findListConflict(list("a/x", "a/y", "a/z", ""))?.message).toBe(
      'Rule 4 (every key) overlaps rule 1 (prefix "a/x"), rule 2 (prefix "a/y") and rule 3 (prefix "a/z"): a key could match rule 4 and any of them.',
    );
  });
});
