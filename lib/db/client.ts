/**
 * The process's one Prisma client. The composition root (lib/runtime/create-app.ts) creates it;
 * Next's bundled route handlers and the custom server reach the same instance through the app.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { currentApp } from "@/lib/runtime/current-app";

export function db(): PrismaClient {
  return currentApp().db;
}
