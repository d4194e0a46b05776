/**
 * A text/plain key list, one key per line, read as it arrives: lines are handed on in batches, so
 * a list of ten million keys never sits in memory. `\n` or `\r\n` ends a line; empty lines are
 * skipped; a line longer than any key could be stops the read at once.
 */
import { MAX_KEY_BYTES, objectKeyProblem } from "@/lib/objects/object-key";

export const KEY_LINES_BATCH = 1000;

export class KeyListProblem extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** Batches of keys from a byte stream of UTF-8 lines; throws KeyListProblem for a key that cannot be. */
export async function* keyLines(body: AsyncIterable<Uint8Array>, batchSize = KEY_LINES_BATCH): AsyncGenerator<string[]> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let partial = "";
  let line = 0;
  let batch: string[] = [];
  const take = (text: string) => {
    line += 1;
    const key = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (key === "") return;
    const problem = objectKeyProblem(key);
    if (problem) throw new KeyListProblem(line, problem);
    batch.push(key);
  };
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new KeyListProblem(line + 1, "the list is not valid UTF-8");
    }
  };
  for await (const chunk of body) {
    const lines = (partial + decode(chunk)).split("\n");
    partial = lines.pop()!;
    for (const text of lines) {
      take(text);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    // A key is at most 1024 bytes (so at most 1024 characters, plus a "\r").
    if (partial.length > MAX_KEY_BYTES + 1) throw new KeyListProblem(line + 1, `the line is longer than a key may be (${MAX_KEY_BYTES} bytes)`);
  }
  partial += decode();
  if (partial !== "") take(partial);
  if (batch.length > 0) yield batch;
}
