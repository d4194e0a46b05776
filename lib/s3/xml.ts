/**
 * S3's XML, built and parsed with fast-xml-parser. Request bodies are read with a byte limit and
 * parsed with a nesting limit and without DOCTYPE entities (no expansion attacks); what comes back
 * is checked for the expected root element. Responses always carry the XML declaration and S3's
 * namespace on the root.
 */
import { XMLBuilder, XMLValidator } from "fast-xml-parser";
import { safeXmlParser as parser } from "@/lib/xml/safe-xml-parser";
import { S3Error } from "./s3-error";

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
export const XSI_XMLNS = "http://www.w3.org/2001/XMLSchema-instance";

/** The largest XML request body read (DeleteObjects with 1,000 long keys fits well within it). */
export const MAX_XML_BODY_BYTES = 2 * 1024 * 1024;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: false,
  processEntities: true,
});

export type XmlValue = string | number | boolean | XmlNode | XmlValue[] | undefined;
export interface XmlNode {
  [name: string]: XmlValue;
}

/** A complete S3 XML document: `<root xmlns="...">…</root>`. Arrays become repeated elements; undefined is left out. */
export function buildXml(root: string, content: XmlNode, namespace: string | null = S3_XMLNS): string {
  const rootNode: XmlNode = namespace ? { "@_xmlns": namespace, ...content } : content;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: rootNode })}`;
}

/** Reads a whole request body of at most `limit` bytes. */
export async function readBody(body: AsyncIterable<Buffer>, limit = MAX_XML_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new S3Error("MaxMessageLengthExceeded", `The XML document is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses an XML document whose root element must be `root` (namespace prefixes dropped) and
 * returns the root's content. Anything malformed, too deep or with another root is MalformedXML.
 */
export function parseXml(bytes: Buffer, root: string): XmlNode {
  const text = bytes.toString("utf8");
  if (/<!DOCTYPE/i.test(text)) throw new S3Error("MalformedXML", "The XML document must not have a DOCTYPE.");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new S3Error("MalformedXML", `The XML you provided was not well-formed: ${valid.err.msg} (line ${valid.err.line}).`);
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (error) {
    throw new S3Error("MalformedXML", `The XML you provided could not be read: ${(error as Error).message}`);
  }
  const content = (document as XmlNode | null)?.[root];
  if (content === undefined) throw new S3Error("MalformedXML", `The XML document's root element must be ${root}.`);
  if (typeof content === "string") return {};
  if (typeof content !== "object" || Array.isArray(content)) throw new S3Error("MalformedXML", `The XML document must have one ${root} element.`);
  return content as XmlNode;
}

/** The children named `name` of a parsed node, as a list (one element parses as a single value). */
export function children(node: XmlNode, name: string): XmlValue[] {
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of a child element; "" for an empty one, undefined when absent. */
export function childText(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) return "";
  if (typeof value === "object" && !Array.isArray(value) && typeof value["#text"] === "string") return value["#text"];
  throw new S3Error("MalformedXML", `${name} must be a single text element.`);
}
