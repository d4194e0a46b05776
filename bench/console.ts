/**
 * Console figures (issue 2): the rule page's first-load JavaScript, gzipped, as the production
 * server sends it; and the time to recompute the live preview (and re-validate the form) per
 * keystroke for a bucket with 20 rules. Run `npm run build` first.
 */
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { MAX_RULES_PER_BUCKET } from "@/lib/mirroring/limits";
import { computeRulePreview, defaultSampleKey } from "@/lib/mirroring/rule-preview";
import { mirrorRuleSchema, type StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { bucketRuleSchema } from "@/lib/mirroring/rule-set";
import { startApp } from "./support/app-process";

async function firstLoadJs(): Promise<{ bytes: number; gzipped: number; scripts: number }> {
  const admin = { email: "bench@example.com", password: "bench-admin-password-1" };
  const app = await startApp(3299, { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password });
  try {
    const sameOrigin = { "content-type": "application/json", origin: app.baseUrl };
    const login = await fetch(`${app.baseUrl}/api/auth/login`, { method: "POST", headers: sameOrigin, body: JSON.stringify(admin) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    await fetch(`${app.baseUrl}/api/buckets`, {
      method: "POST",
      headers: { ...sameOrigin, cookie },
      body: JSON.stringify({ name: "bench", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" }),
    });
    const page = await fetch(`${app.baseUrl}/buckets/bench/configuration/mirroring/new`, { headers: { cookie }, redirect: "manual" });
    if (page.status !== 200) throw new Error(`the rule page answered ${page.status}`);
    const html = await page.text();
    const sources = [...new Set([...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1]!))];
    let bytes = 0;
    let gzipped = 0;
    for (const source of sources) {
      const body = Buffer.from(await (await fetch(new URL(source, app.baseUrl))).arrayBuffer());
      bytes += body.length;
      gzipped += gzipSync(body).length;
    }
    return { bytes, gzipped, scripts: sources.length };
  } finally {
    await app.stop();
  }
}

function previewPerKeystroke(): { previewUs: number; validateUs: number } {
  const rules: StoredMirrorRule[] = Array.from({ length: MAX_RULES_PER_BUCKET - 1 }, (_, i) => ({
    ...mirrorRuleSchema.parse({ conditionPrefix: `p${String(i).padStart(2, "0")}`, origin: { type: "url", host: "www.myweb.com" }, storageClass: "STANDARD" }),
    id: i + 1,
    enabled: true,
    version: 1,
    createdAt: "",
    updatedAt: "",
  }));
  const schema = bucketRuleSchema({ bucketName: "bench", zoneType: "SINGLE_AZ", otherBucketNames: [] }, rules);
  const typed = "photos/2026/summer/beach";
  const drafts = [...typed].map((_, i) => ({
    conditionPrefix: typed.slice(0, i + 1),
    conditionSuffix: ".jpg",
    origin: { type: "url" as const, protocol: "https" as const, host: "www.myweb.com" },
    prefixRewrite: { action: "replace" as const, with: "tihuan/edf" },
    addressSuffix: ".webp",
    passQueryString: true,
    storageClass: "STANDARD" as const,
    headers: { passAll: false, pass: "header1, header2", prohibit: "cookie", set: [{ name: "x-from", value: "bos" }] },
  }));
  const rounds = 2000;
  const time = (work: (draft: (typeof drafts)[number]) => unknown) => {
    for (const draft of drafts) work(draft); // warm up
    const start = performance.now();
    for (let round = 0; round < rounds; round++) for (const draft of drafts) work(draft);
    return ((performance.now() - start) / (rounds * drafts.length)) * 1000;
  };
  return {
    previewUs: time((draft) => computeRulePreview(draft, defaultSampleKey(draft.conditionPrefix, draft.conditionSuffix), "x=1", rules)),
    validateUs: time((draft) => schema.safeParse(draft)),
  };
}

const js = await firstLoadJs();
const preview = previewPerKeystroke();
const rows: [string, string, string][] = [
  ["Rule page first-load JS, gzipped", `${(js.gzipped / 1024).toFixed(1)} kB (${js.scripts} scripts, ${(js.bytes / 1024).toFixed(0)} kB raw)`, "≤ 250 kB"],
  ["Preview recomputation per keystroke, 20 rules", `${preview.previewUs.toFixed(1)} µs`, "< 1 ms"],
  ["Form re-validation per keystroke, 20 rules", `${preview.validateUs.toFixed(1)} µs`, "(information)"],
];
console.log("| figure | measured | target |\n|---|---|---|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
