import { describe, expect, it } from "vitest";
import { keyLines } from "./key-lines";

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === "string" ? new TextEncoder().encode(part) : part;
}

async function all(body: AsyncIterable<Uint8Array>, batchSize?: number): Promise<string[][]> {
  const batches: string[][] = [];
  for await (const batch of keyLines(body, batchSize)) batches.push(batch);
  return batches;
}

describe("keyLines", () => {
  it("splits lines across chunk boundaries, with \\n or \\r\\n, skipping empty lines", async () => {
    expect((await all(chunks("a/1\r\nb/", "2\n\n", "c/3"))).flat()).toEqual(["a/1", "b/2", "c/3"]);
  });

  it("keeps keys exactly, including spaces and multi-byte characters split across chunks", async () => {
    const bytes = new TextEncoder().encode(" spaced key \n日本/ファイル.txt\n");
    expect((await all(chunks(bytes.subarray(0, 15), bytes.subarray(15)))).flat()).toEqual([" spaced key ", "日本/ファイル.txt"]);
  });

  it("hands keys on in batches", async () => {
    const list = Array.from({ length: 25 }, (_, i) => `k${i}`).join("\n");
    const batches = await all(chunks(list), 10);
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it("refuses a key that cannot be, naming its line", async () => {
    await expect(all(chunks("ok\nbad\0key\n"))).rejects.toThrow("line 2: The object key contains a NUL character.");
    await expect(all(chunks(`ok\n${"x".repeat(1025)}\n`))).rejects.toThrow(/line 2: .*1024 bytes/);
  });

  it("stops at a line longer than any key without waiting for its end", async () => {
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("first\n");
      for (;;) yield new Uint8Array(4096).fill(120);
    }
    await expect(all(endless())).rejects.toThrow(/line 2: the line is longer/);
  });

  it("refuses bytes that are not UTF-8", async () => {
    await expect(all(chunks("good\n", new Uint8Array([0xff, 0xfe, 0x0a])))).rejects.toThrow(/not valid UTF-8/);
  });
});
