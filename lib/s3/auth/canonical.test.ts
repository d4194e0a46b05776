import { describe, expect, it } from "vitest";
import {
  canonicalComponent,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  deriveSigningKey,
  encodeBytes,
  parseAmzDate,
  percentDecodeBytes,
  sha256Hex,
  signHex,
  stringToSign,
  uriEncode,
} from "./canonical";

/**
 * AWS's Signature Version 4 test suite (aws-sig-v4-test-suite: credentials AKIDEXAMPLE, 2015-08-30
 * 12:36:00Z, us-east-1, service "service"), the cases that apply to S3's rules, with the expected
 * signatures as the suite publishes them (the AWS SDK for JavaScript's signer checks the same
 * values). The normalize-path cases are left out: S3 never normalises a path (`/./` and `//` are
 * parts of a key there), and the suite's generic service does.
 */
const SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_DATE = "20150830T123600Z";
const HOST = "example.amazonaws.com";

interface SuiteCase {
  name: string;
  method: string;
  rawPath: string;
  rawQuery?: string;
  /** Header lines as sent (name, value pairs, repeats kept), besides host and x-amz-date. */
  headers?: [string, string][];
  body?: string;
  signedHeaders: string;
  signature: string;
}

const suite: SuiteCase[] = [
  {
    name: "get-header-key-duplicate",
    method: "GET",
    rawPath: "/",
    headers: [
      ["My-Header1", "value2"],
      ["My-Header1", "value2"],
      ["My-Header1", "value1"],
    ],
    signedHeaders: "host;my-header1;x-amz-date",
    signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
  },
  {
    name: "get-header-value-multiline",
    method: "GET",
    rawPath: "/",
    headers: [
      ["My-Header1", "value1"],
      ["My-Header1", "value2"],
      ["My-Header1", "value3"],
    ],
    signedHeaders: "host;my-header1;x-amz-date",
    signature: "ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790",
  },
  {
    name: "get-header-value-order",
    method: "GET",
    rawPath: "/",
    headers: [
      ["My-Header1", "value4"],
      ["My-Header1", "value1"],
      ["My-Header1", "value3"],
      ["My-Header1", "value2"],
    ],
    signedHeaders: "host;my-header1;x-amz-date",
    signature: "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
  },
  {
    name: "get-header-value-trim",
    method: "GET",
    rawPath: "/",
    headers: [
      ["My-Header1", " value1"],
      ["My-Header2", ' "a   b   c"'],
    ],
    signedHeaders: "host;my-header1;my-header2;x-amz-date",
    signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
  },
  {
    name: "get-unreserved",
    method: "GET",
    rawPath: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    signedHeaders: "host;x-amz-date",
    signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
  },
  {
    name: "get-utf8 (as written)",
    method: "GET",
    rawPath: "/ሴ",
    signedHeaders: "host;x-amz-date",
    signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
  },
  {
    name: "get-utf8 (percent-encoded on the wire)",
    method: "GET",
    rawPath: "/%E1%88%B4",
    signedHeaders: "host;x-amz-date",
    signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
  },
  {
    name: "get-vanilla",
    method: "GET",
    rawPath: "/",
    signedHeaders: "host;x-amz-date",
    signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  },
  {
    name: "get-vanilla-empty-query-key",
    method: "GET",
    rawPath: "/",
    rawQuery: "Param1=value1",
    signedHeaders: "host;x-amz-date",
    signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb",
  },
  {
    name: "get-vanilla-query-order-key-case",
    method: "GET",
    rawPath: "/",
    rawQuery: "Param2=value2&Param1=value1",
    signedHeaders: "host;x-amz-date",
    signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
  },
  {
    name: "get-vanilla-query-unreserved",
    method: "GET",
    rawPath: "/",
    rawQuery:
      "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    signedHeaders: "host;x-amz-date",
    signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
  },
  {
    name: "get-vanilla-utf8-query",
    method: "GET",
    rawPath: "/",
    rawQuery: "%E1%88%B4=bar",
    signedHeaders: "host;x-amz-date",
    signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
  },
  {
    name: "post-header-key-sort",
    method: "POST",
    rawPath: "/",
    headers: [["My-Header1", "value1"]],
    signedHeaders: "host;my-header1;x-amz-date",
    signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
  },
  {
    name: "post-header-value-case",
    method: "POST",
    rawPath: "/",
    headers: [["My-Header1", "VALUE1"]],
    signedHeaders: "host;my-header1;x-amz-date",
    signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
  },
  {
    name: "post-sts-header-before",
    method: "POST",
    rawPath: "/",
    headers: [
      [
        "X-Amz-Security-Token",
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
      ],
    ],
    signedHeaders: "host;x-amz-date;x-amz-security-token",
    signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
  },
  {
    name: "post-vanilla",
    method: "POST",
    rawPath: "/",
    signedHeaders: "host;x-amz-date",
    signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
  },
  {
    name: "post-vanilla-query",
    method: "POST",
    rawPath: "/",
    rawQuery: "Param1=value1",
    signedHeaders: "host;x-amz-date",
    signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
  },
  {
    name: "post-vanilla-query-nonunreserved",
    method: "POST",
    rawPath: "/",
    rawQuery: `${uriEncode("@#$%^")}=&${uriEncode("+")}=${uriEncode('/,?><`";:\\|][{}')}`,
    signedHeaders: "host;x-amz-date",
    signature: "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e",
  },
  {
    name: "post-vanilla-query-space",
    method: "POST",
    rawPath: "/",
    rawQuery: "p=",
    signedHeaders: "host;x-amz-date",
    signature: "e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b",
  },
  {
    name: "post-x-www-form-urlencoded",
    method: "POST",
    rawPath: "/",
    headers: [["Content-Type", "application/x-www-form-urlencoded"]],
    body: "Param1=value1",
    signedHeaders: "content-type;host;x-amz-date",
    signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
  },
  {
    name: "post-x-www-form-urlencoded-parameters",
    method: "POST",
    rawPath: "/",
    headers: [["Content-Type", "application/x-www-form-urlencoded; charset=utf8"]],
    body: "Param1=value1",
    signedHeaders: "content-type;host;x-amz-date",
    signature: "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
  },
];

describe("the AWS Signature Version 4 test suite", () => {
  const key = deriveSigningKey(SUITE_SECRET, "20150830", "us-east-1", "service");
  const scope = credentialScope("20150830", "us-east-1", "service");
  it.each(suite)("$name", (c) => {
    const rawHeaders = ["Host", HOST, ...(c.headers ?? []).flat(), "X-Amz-Date", SUITE_DATE];
    const canonical = canonicalRequest({
      method: c.method,
      rawPath: c.rawPath,
      rawQuery: c.rawQuery ?? "",
      headers: {},
      rawHeaders,
      signedHeaders: c.signedHeaders.split(";"),
      payloadHash: sha256Hex(c.body ?? ""),
    });
    expect(signHex(key, stringToSign(SUITE_DATE, scope, canonical))).toBe(c.signature);
  });

  it("get-vanilla-query-order-key-case: the canonical request, line by line", () => {
    expect(
      canonicalRequest({
        method: "GET",
        rawPath: "/",
        rawQuery: "Param2=value2&Param1=value1",
        headers: { host: HOST, "x-amz-date": SUITE_DATE },
        signedHeaders: ["host", "x-amz-date"],
        payloadHash: sha256Hex(""),
      }),
    ).toBe(
      "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });
});

describe("S3's canonical forms", () => {
  it("keeps the path as sent: no dot-segment resolution, no merged slashes, no double encoding", () => {
    expect(canonicalUri("/bucket/./a/../b//c")).toBe("/bucket/./a/../b//c");
    expect(canonicalUri("/bucket/a%20b")).toBe("/bucket/a%20b");
    expect(canonicalUri("/bucket/a b")).toBe("/bucket/a%20b");
    expect(canonicalUri("/bucket/a%2fb")).toBe("/bucket/a%2Fb");
    expect(canonicalUri("/bucket/a%2Fb")).not.toBe(canonicalUri("/bucket/a/b"));
    expect(canonicalUri("/bucket/test$file.text")).toBe("/bucket/test%24file.text");
    expect(canonicalUri("/bucket/a+b~c")).toBe("/bucket/a%2Bb~c");
    expect(canonicalUri("")).toBe("/");
  });

  it("re-encodes escapes byte for byte, including ones that are not UTF-8 and stray percent signs", () => {
    expect(canonicalUri("/b/%ff%FE")).toBe("/b/%FF%FE");
    expect(canonicalUri("/b/100%")).toBe("/b/100%25");
    expect(canonicalUri("/b/%zz")).toBe("/b/%25zz");
    expect(percentDecodeBytes("%41%e1%88%b4").toString("utf8")).toBe("Aሴ");
  });

  it("leaves a component that is already canonical as it is, and only such a one", () => {
    // What the fast path must agree with: decode to bytes, encode the canonical way.
    const reference = (raw: string) => encodeBytes(percentDecodeBytes(raw));
    for (const raw of ["abc-._~", "a%2Fb", "a%2fb", "%41", "%7E", "%7e", "%2", "%", "%%2F", "%zz", "%20x", "é", "a b", "%E2%82%AC", "%e2%82%ac", ""]) {
      expect(canonicalComponent(raw), raw).toBe(reference(raw));
    }
    // And on random strings over the characters that matter (a fixed seed: the same strings each run).
    const alphabet = ["%", "2", "F", "f", "A", "a", "7", "E", "e", "0", "~", "-", "/", "+", " ", "é", "z"];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 5000; n++) {
      let raw = "";
      for (let length = next() % 8; length > 0; length--) raw += alphabet[next() % alphabet.length];
      expect(canonicalComponent(raw), raw).toBe(reference(raw));
    }
  });

  it("sorts the query by encoded name then value, with name= for a bare name", () => {
    expect(canonicalQuery("prefix=J&max-keys=2")).toBe("max-keys=2&prefix=J");
    expect(canonicalQuery("lifecycle")).toBe("lifecycle=");
    expect(canonicalQuery("a=2&a=1&b")).toBe("a=1&a=2&b=");
    expect(canonicalQuery("prefix=a%2fb&delimiter=/")).toBe("delimiter=%2F&prefix=a%2Fb");
    expect(canonicalQuery("x=a+b")).toBe("x=a%2Bb");
    expect(canonicalQuery("X-Amz-Signature=abc&X-Amz-Date=1", "X-Amz-Signature")).toBe("X-Amz-Date=1");
  });

  it("reads X-Amz-Date strictly", () => {
    expect(parseAmzDate("20130524T000000Z")?.toISOString()).toBe("2013-05-24T00:00:00.000Z");
    expect(parseAmzDate("20130230T000000Z")).toBeNull();
    expect(parseAmzDate("2013-05-24T00:00:00Z")).toBeNull();
    expect(parseAmzDate("20130524T000000")).toBeNull();
    expect(parseAmzDate("20240229T235959Z")?.toISOString()).toBe("2024-02-29T23:59:59.000Z");
    expect(parseAmzDate("20000229T000000Z")?.toISOString()).toBe("2000-02-29T00:00:00.000Z");
    expect(parseAmzDate("19000229T000000Z")).toBeNull();
    expect(parseAmzDate("20230229T000000Z")).toBeNull();
    expect(parseAmzDate("20240431T000000Z")).toBeNull();
    expect(parseAmzDate("20241301T000000Z")).toBeNull();
    expect(parseAmzDate("20241200T000000Z")).toBeNull();
    expect(parseAmzDate("20240101T240000Z")).toBeNull();
    expect(parseAmzDate("20240101T006000Z")).toBeNull();
    expect(parseAmzDate("20240101T000060Z")).toBeNull();
    expect(parseAmzDate("00500101T000000Z")).toBeNull();
    expect(parseAmzDate("2024010 T000000Z")).toBeNull();
    expect(parseAmzDate("20240101T00000+Z")).toBeNull();
    expect(parseAmzDate("20240101T000000ZZ")).toBeNull();
  });
});
