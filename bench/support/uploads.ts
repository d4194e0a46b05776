/** Small uploads as a bulk copy makes them, for bench/puts.ts and bench/profile-put.ts. */
import { signedFetch } from "@/lib/auth/signed-fetch";
import type { AppProcess } from "./app-process";

export interface Credentials {
  accessKeyId: string;
  secretKey: string;
}

/**
 * PUTs `count` copies of `body` to `/v1/{bucket}/{prefix}/{i}.bin` (bce-auth-v1 signed),
 * `concurrency` at a time; throws on the first answer other than 200.
 */
export async function putObjects(app: AppProcess, credentials: Credentials, target: { bucket: string; prefix: string }, body: Buffer, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const path = `/v1/${target.bucket}/${target.prefix}/${next++}.bin`;
      const response = await signedFetch(credentials, `${app.baseUrl}${path}`, { method: "PUT", body: new Uint8Array(body) });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`PUT ${path}: ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
