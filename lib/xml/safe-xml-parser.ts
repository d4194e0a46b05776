/**
 * One parser for XML that comes from outside (S3 request bodies, an S3-compatible origin's
 * listings): DOCTYPE entities are refused (no expansion attacks), nesting is bounded, and values
 * stay text. It only parses; what a document must contain is its reader's business.
 */
import { XMLParser } from "fast-xml-parser";

/** No S3 document, request or listing, nests deeper than a handful of elements. */
export const MAX_XML_DEPTH = 16;

export const safeXmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: { enabled: true, maxEntityCount: 0 },
  // Numeric character references (&#34;): Go's encoding/xml (rclone) escapes quotes in ETags so.
  htmlEntities: true,
  maxNestedTags: MAX_XML_DEPTH,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
