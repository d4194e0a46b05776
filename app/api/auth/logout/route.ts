import { noContent, apiRoute } from "@/lib/api/route-handler";
import { SESSION_COOKIE, clearedSessionCookie, isHttps, readCookie } from "@/lib/auth/session-cookie";
import { revokeSession } from "@/lib/auth/session-service";

export const POST = apiRoute(async (request) => {
  await revokeSession(readCookie(request, SESSION_COOKIE)!);
  const response = noContent();
  response.headers.append("set-cookie", clearedSessionCookie(isHttps(request)));
  return response;
});
