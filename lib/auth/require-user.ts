/** For console layouts (server components): the signed-in user, or a redirect to sign-in and back. */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { safeNextPath } from "./next-path";
import { SESSION_COOKIE } from "./session-cookie";
import { sessionUser, type SessionUser } from "./session-service";

export async function requireUser(): Promise<SessionUser> {
  const user = await sessionUser((await cookies()).get(SESSION_COOKIE)?.value);
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(safeNextPath((await headers()).get("x-bos-path")))}`);
  return user;
}

export async function currentUser(): Promise<SessionUser | null> {
  return sessionUser((await cookies()).get(SESSION_COOKIE)?.value);
}
