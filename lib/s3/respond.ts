/** Writing S3 responses: XML documents and S3 error documents. */
import type { ServerResponse } from "node:http";
import { bodyLeftUnread } from "@/lib/http/unread-body";
import type { S3Error } from "./s3-error";
import { buildXml } from "./xml";
import { currentApp } from "@/lib/runtime/current-app";

export function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
  res.end(xml);
}

export function sendS3Error(res: ServerResponse, error: S3Error, requestId: string, resource: string): void {
  if (error.logDetail) currentApp().telemetry.logger.warn({ requestId, code: error.code, detail: error.logDetail }, error.code);
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  // Every early error passes here: never leave the rest of a body on a kept-alive connection.
  if (bodyLeftUnread(res.req)) res.setHeader("connection", "close");
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const message = error.message.trim() || `The request failed with ${error.code}.`;
  const xml = buildXml("Error", { Code: error.code, Message: message, ...error.fields, Resource: resource, RequestId: requestId }, null);
  sendXml(res, error.status, xml);
}
