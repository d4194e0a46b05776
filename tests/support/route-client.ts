/** Calls App Router route handlers in-process with real Request objects, as Next would. */
type RouteHandler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export interface RouteCall<P> {
  params?: P;
  /** An object is sent as JSON; a string is sent as is (for malformed bodies). */
  body?: unknown;
}

export async function callRoute<P>(handler: RouteHandler<P>, { params, body }: RouteCall<P> = {}) {
  const init: RequestInit = { method: body === undefined ? "GET" : "POST" };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const response = await handler(new Request("http://localhost/api/test", init), {
    params: Promise.resolve((params ?? {}) as P),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export async function resetDatabase(): Promise<void> {
  const { db } = await import("@/lib/db/client");
  await db().$transaction([db().storedObject.deleteMany(), db().mirrorRule.deleteMany(), db().bucket.deleteMany()]);
}
