import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp } from "./support/app-process";
import { formatSummary, summariseProfile } from "./support/cpu-profile";
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const profiles = mkdtempSync(path.join(os.tmpdir(), "put-prof-"));
const app = await startApp(3420, { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey, LOG_LEVEL: "silent" }, ["--cpu-prof", `--cpu-prof-dir=${profiles}`]);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const body = randomBytes(4096);
await signedFetch(credentials, `${app.baseUrl}/v1/puts`, { method: "PUT" });
const n = 3000;
let from = 0;
for (const phase of ["warm", "measure"]) {
  if (phase === "measure") from = nowUs();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < n) { const i = next++; const r = await signedFetch(credentials, `${app.baseUrl}/v1/puts/${phase}/${i}`, { method: "PUT", body: new Uint8Array(body) }); await r.arrayBuffer(); }
  }));
}
const to = nowUs();
await app.stop();
const main = readdirSync(profiles).map((f) => path.join(profiles, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
console.log(formatSummary(summariseProfile(main, [[from, to]]), n, 40, "request"));
