/**
 * Calls App Router route handlers in-process with real Request objects, as Next would: signed in
 * as a test user, from the console's own origin, unless a test says otherwise.
 */
type RouteHandler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export interface RouteCall<P> {
  params?: P;
  /** An object is sent as JSON; a string is sent as is (for malformed bodies). */
  body?: unknown;
  method?: string;
  /** false: send no session cookie. */
  session?: boolean;
  /** Extra or replacement headers (e.g. a cross-site Origin); null leaves a default header out. */
  headers?: Record<string, string | null>;
  /** A query string for the request URL, without "?". */
  query?: string;
}

const HOST = "localhost";
let sessionToken: string | undefined;

/** A session for a test user, created once per test file. */
export async function testSessionToken(): Promise<string> {
  if (!sessionToken) {
    const { db } = await import("@/lib/db/client");
    const { hashPassword } = await import("@/lib/auth/password");
    const { createSession } = await import("@/lib/auth/session-service");
    const user = await db().user.upsert({
      where: { email: "tester@example.com" },
      create: { email: "tester@example.com", passwordHash: await hashPassword("tester-password-1") },
      update: {},
    });
    sessionToken = (await createSession(user.id)).token;
  }
  return sessionToken;
}

export async function callRoute<P>(handler: RouteHandler<P>, { params, body, method, session = true, headers = {}, query }: RouteCall<P> = {}) {
  const init: RequestInit & { headers: Record<string, string> } = {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers: { host: HOST, origin: `http://${HOST}` },
  };
  if (session) init.headers.cookie = `bos_session=${await testSessionToken()}`;
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) delete init.headers[name];
    else init.headers[name] = value;
  }
  const response = await handler(new Request(`http://${HOST}/api/test${query ? `?${query}` : ""}`, init), {
    params: Promise.resolve((params ?? {}) as P),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export async function resetDatabase(): Promise<void> {
  const { db } = await import("@/lib/db/client");
  await db().$transaction([db().storedObject.deleteMany(), db().mirrorRule.deleteMany(), db().bucket.deleteMany()]);
}
