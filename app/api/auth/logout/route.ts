import { noContent, apiRoute } from "@/lib/api/route-handler";
import { isHttps } from "@/lib/http/client-address";
import { SESSION_COOKIE, clearedSessionCookie, readCookie } from "@/lib/auth/session-cookie";
import { revokeSession } from "@/lib/auth/session-service";

export const POST = apiRoute(async (request) => {
  await revokeSession(readCookie(request, SESSION_COOKIE)!);
  const response = noContent();
  response.headers.append("set-cookie", clearedSessionCookie(isHttps(request)));
  return response;
});
