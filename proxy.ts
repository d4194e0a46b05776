/**
 * Runs before every console page. It gives the page its Content-Security-Policy, with a fresh
 * nonce that Next puts on the page's scripts (lib/http/console-csp.ts). And it sends visitors
 * without a session cookie to the sign-in page, remembering where they were going: this is only
 * for a smooth redirect, as every /api handler and console layout checks the session itself
 * (lib/api/route-handler.ts, lib/auth/require-user.ts). The other security headers of every Next
 * response are in next.config.mjs; /api and Next's static files do not come through here.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import { consoleContentSecurityPolicy, newNonce } from "@/lib/http/console-csp";

const SIGNED_IN_ONLY = /^\/(?:buckets|access-keys)?(?:\/|$)/;

export function proxy(request: NextRequest) {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  const csp = consoleContentSecurityPolicy(newNonce(), { dev: env().nodeEnv === "development" });
  let response: NextResponse;
  if (SIGNED_IN_ONLY.test(request.nextUrl.pathname) && !request.cookies.has(SESSION_COOKIE)) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("next", path);
    response = NextResponse.redirect(signIn);
  } else {
    const headers = new Headers(request.headers);
    headers.set("x-bos-path", path);
    // Next takes the nonce for the scripts it renders from the request's CSP header.
    headers.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("content-security-policy", csp);
  return response;
}

// Every page; not the API, Next's static files or the app's icon (none of them is HTML).
export const config = { matcher: ["/((?!api|_next/static|_next/image|favicon.ico|icon.svg).*)"] };
