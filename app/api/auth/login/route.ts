import { ApiError } from "@/lib/api/api-error";
import { json, publicApiRoute, readJsonBody } from "@/lib/api/route-handler";
import { lockoutSeconds, recordFailedLogin, recordSuccessfulLogin } from "@/lib/auth/sign-in-failures";
import { HashingBusyError } from "@/lib/auth/password-gate";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { checkCredentials, createSession } from "@/lib/auth/session-service";
import { signInSchema } from "@/lib/auth/sign-in-schema";
import { CLIENT_ADDRESS_HEADER, isHttps } from "@/lib/http/client-address";
import { countOf } from "@/lib/format-count";

/**
 * Set by server.ts on every request it hands to Next, after deleting any copy the client sent;
 * never X-Forwarded-For, which anyone can write. Only a request that did not come through
 * server.ts (a test calling the handler) lacks it.
 */
const clientAddressOf = (request: Request) => request.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";

async function assertNotLockedOut(address: string, email: string): Promise<void> {
  const wait = await lockoutSeconds(address, email);
  if (wait === 0) return;
  const when = wait < 60 ? countOf(wait, "second") : countOf(Math.ceil(wait / 60), "minute");
  const error = new ApiError("TooManyAttempts", `Too many failed sign-ins. Try again in ${when}.`);
  error.retryAfterSeconds = wait;
  throw error;
}

export const POST = publicApiRoute(async (request) => {
  const { email, password } = await readJsonBody(request, signInSchema);
  const address = clientAddressOf(request);
  // Checked before hashing, and again when the hash's turn comes; the outcome is recorded before
  // the next turn, so a burst of parallel guesses stops at the limit like a sequence would.
  await assertNotLockedOut(address, email);
  let user;
  try {
    user = await checkCredentials(email, password, {
      beforeHash: () => assertNotLockedOut(address, email),
      afterHash: (success) => (success ? recordSuccessfulLogin(address, email) : recordFailedLogin(address, email)),
    });
  } catch (error) {
    if (!(error instanceof HashingBusyError)) throw error;
    const busy = new ApiError("ServerBusy", "Too many sign-ins are being checked right now. Try again in a moment.");
    busy.retryAfterSeconds = 1;
    throw busy;
  }
  if (!user) throw new ApiError("InvalidCredentials", "The email or password is wrong.");
  const session = await createSession(user.id);
  const response = json({ email: user.email });
  response.headers.append("set-cookie", sessionCookie(session.token, session.expiresAt, isHttps(request)));
  return response;
});
