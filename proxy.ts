/**
 * Sends visitors without a session cookie to the sign-in page, remembering where they were going.
 * This is only for a smooth redirect: every /api handler and console layout checks the session
 * itself (lib/api/route-handler.ts, lib/auth/require-user.ts).
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";

export function proxy(request: NextRequest) {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (!request.cookies.has(SESSION_COOKIE)) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("next", path);
    return NextResponse.redirect(signIn);
  }
  const headers = new Headers(request.headers);
  headers.set("x-bos-path", path);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/", "/buckets/:path*", "/access-keys/:path*"] };
