/** A small JSON request body of the BOS API (a rule set, a part list), read with a size limit. */
import type { IncomingMessage } from "node:http";
import { BosError } from "./bos-error";

export async function readJsonBody(req: IncomingMessage, maxBytes: number, what: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BosError("EntityTooLarge", `${what} is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new BosError("MalformedJSON", `The body is not valid JSON: ${(error as Error).message}`);
  }
}
