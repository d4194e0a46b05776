import { describe, expect, it } from "vitest";
import { MAX_XML_DEPTH } from "@/lib/xml/safe-xml-parser";
import { buildXml, childText, children, parseXml, readBody } from "./xml";

const parse = (text: string, root: string) => parseXml(Buffer.from(text), root);

describe("buildXml", () => {
  it("writes the declaration, S3's namespace, repeated elements and escaped text", () => {
    const xml = buildXml("ListAllMyBucketsResult", { Buckets: { Bucket: [{ Name: "a&<b>" }, { Name: "c" }] } });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>a&amp;&lt;b&gt;</Name></Bucket><Bucket><Name>c</Name></Bucket></Buckets></ListAllMyBucketsResult>',
    );
  });

  it("leaves empty lists out and keeps booleans, zeros and whitespace", () => {
    expect(buildXml("R", { Deleted: [], IsTruncated: false, KeyCount: 0, Key: " a " }, null)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<R><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount><Key> a </Key></R>',
    );
  });
});

describe("parseXml", () => {
  it("reads a namespaced, pretty-printed document, keeping key text exactly", () => {
    const doc = parse('<?xml version="1.0"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n <Quiet>true</Quiet>\n <Object><Key> a &amp; b </Key></Object>\n <Object><Key>007</Key></Object>\n</Delete>', "Delete");
    expect(childText(doc, "Quiet")).toBe("true");
    expect(children(doc, "Object").map((object) => childText(object as never, "Key"))).toEqual([" a & b ", "007"]);
  });

  it("decodes numeric character references (Go's encoding/xml writes quotes as &#34;) exactly once", () => {
    const doc = parse("<Part><ETag>&#34;abc&#34;</ETag><Key>&amp;#34; &#x41;</Key></Part>", "Part");
    expect([childText(doc, "ETag"), childText(doc, "Key")]).toEqual(['"abc"', "&#34; A"]);
  });

  it.each([
    ["malformed", "<Delete><Object></Delete>", /not well-formed/],
    ["another root", "<Other/>", /root element must be Delete/],
    ["a DOCTYPE (entity expansion)", '<!DOCTYPE d [<!ENTITY a "aaaa">]><Delete>&a;</Delete>', /DOCTYPE/],
    ["too deep", `${"<Delete>".repeat(MAX_XML_DEPTH + 2)}${"</Delete>".repeat(MAX_XML_DEPTH + 2)}`, /nested/],
  ])("refuses %s as MalformedXML", (_name, text, message) => {
    expect(() => parse(text, "Delete")).toThrow(expect.objectContaining({ code: "MalformedXML", message: expect.stringMatching(message) }));
  });

  it("reads at most the body limit", async () => {
    async function* body() {
      yield Buffer.alloc(600);
      yield Buffer.alloc(600);
    }
    await expect(readBody(body(), 1000)).rejects.toMatchObject({ code: "MaxMessageLengthExceeded", status: 400 });
    expect((await readBody(body(), 1200)).length).toBe(1200);
  });
});
