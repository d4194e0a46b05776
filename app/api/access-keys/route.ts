import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { createAccessKeySchema } from "@/lib/auth/access-key-schema";
import { createAccessKey, listAccessKeys } from "@/lib/auth/access-key-service";

export const GET = apiRoute(async () => json({ accessKeys: await listAccessKeys() }));

/** The only response that ever contains the secret key. */
export const POST = apiRoute(async (request, _params, { audit }) => {
  const { description } = await readJsonBody(request, createAccessKeySchema);
  return json(await createAccessKey(description, audit), 201);
});
