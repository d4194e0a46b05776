/** Polls `check` until it holds (bounded), for state that settles after a response ends. */
import { WAIT_TIMEOUT_MS } from "./timeouts";
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
