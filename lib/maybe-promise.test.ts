import { describe, expect, it } from "vitest";
import { andCatch, andThen } from "./maybe-promise";

describe("andThen", () => {
  it("runs the next step at once for a value, and returns what it returns", () => {
    const seen: number[] = [];
    const result = andThen(2, (value) => {
      seen.push(value);
      return value * 3;
    });
    expect(seen).toEqual([2]);
    expect(result).toBe(6);
  });

  it("waits for a promise, and gives a promise", async () => {
    const seen: number[] = [];
    const result = andThen(Promise.resolve(2), (value) => {
      seen.push(value);
      return value * 3;
    });
    expect(seen).toEqual([]);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(6);
  });

  it("passes a rejection on without running the next step", async () => {
    let ran = false;
    const result = andThen(Promise.reject(new Error("lookup failed")), () => {
      ran = true;
    });
    await expect(result).rejects.toThrow("lookup failed");
    expect(ran).toBe(false);
  });

  it("waits for a thenable that is not a native promise (a Prisma query as it is)", async () => {
    let resolveLater: (value: number) => void = () => undefined;
    const thenable: PromiseLike<number> = {
      then: (onFulfilled, onRejected) => new Promise<number>((resolve) => (resolveLater = resolve)).then(onFulfilled, onRejected),
    };
    const seen: number[] = [];
    const result = andThen(thenable, (value) => {
      seen.push(value);
      return value + 1;
    });
    expect(seen).toEqual([]);
    resolveLater(41);
    expect(await result).toBe(42);
    expect(seen).toEqual([41]);
  });

  it("takes null, strings and records without a then method as values", () => {
    expect(andThen(null, (value) => value)).toBeNull();
    expect(andThen("secret", (value) => value.length)).toBe(6);
    expect(andThen({ size: 3 }, (value) => value.size)).toBe(3);
  });
});

describe("andCatch", () => {
  it("returns the work's value at once when nothing fails", () => {
    expect(andCatch(() => 5, () => 0)).toBe(5);
  });

  it("hands a synchronous throw to the handler at once", () => {
    const caught: unknown[] = [];
    const result = andCatch(
      () => {
        throw new Error("bad key");
      },
      (error) => {
        caught.push(error);
        return "answered";
      },
    );
    expect(result).toBe("answered");
    expect((caught[0] as Error).message).toBe("bad key");
  });

  it("hands a rejection to the handler when it comes", async () => {
    const result = andCatch(
      () => Promise.reject(new Error("disk gone")),
      (error) => `answered: ${(error as Error).message}`,
    );
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe("answered: disk gone");
  });

  it("lets the handler rethrow, at once or as a rejection", async () => {
    const rethrow = (error: unknown) => {
      throw error;
    };
    expect(() =>
      andCatch(() => {
        throw new Error("before the headers");
      }, rethrow),
    ).toThrow("before the headers");
    await expect(andCatch(() => Promise.reject(new Error("later")), rethrow)).rejects.toThrow("later");
  });
});
