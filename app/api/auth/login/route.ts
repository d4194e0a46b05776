import { ApiError } from "@/lib/api/api-error";
import { json, publicApiRoute, readJsonBody } from "@/lib/api/route-handler";
import { lockoutSeconds, recordFailedLogin, recordSuccessfulLogin } from "@/lib/auth/login-throttle";
import { isHttps, sessionCookie } from "@/lib/auth/session-cookie";
import { checkCredentials, createSession } from "@/lib/auth/session-service";
import { signInSchema } from "@/lib/auth/sign-in-schema";

function clientIp(request: Request): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || request.headers.get("x-real-ip") || "local";
}

export const POST = publicApiRoute(async (request) => {
  const { email, password } = await readJsonBody(request, signInSchema);
  const ip = clientIp(request);
  const wait = lockoutSeconds(ip, email);
  if (wait > 0) {
    const error = new ApiError("TooManyAttempts", `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`);
    error.retryAfterSeconds = wait;
    throw error;
  }
  const user = await checkCredentials(email, password);
  if (!user) {
    recordFailedLogin(ip, email);
    throw new ApiError("InvalidCredentials", "The email or password is wrong.");
  }
  recordSuccessfulLogin(email);
  const session = await createSession(user.id);
  const response = json({ email: user.email });
  response.headers.append("set-cookie", sessionCookie(session.token, session.expiresAt, isHttps(request)));
  return response;
});
