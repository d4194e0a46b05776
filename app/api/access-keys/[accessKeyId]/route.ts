import { apiRoute, json, noContent, readJsonBody } from "@/lib/api/route-handler";
import { updateAccessKeySchema } from "@/lib/auth/access-key-schema";
import { deleteAccessKey, setAccessKeyEnabled } from "@/lib/auth/access-key-service";

type Params = { accessKeyId: string };

export const PATCH = apiRoute<Params>(async (request, { accessKeyId }, { audit }) => {
  const { enabled } = await readJsonBody(request, updateAccessKeySchema);
  return json(await setAccessKeyEnabled(accessKeyId, enabled, audit));
});

export const DELETE = apiRoute<Params>(async (_request, { accessKeyId }, { audit }) => {
  await deleteAccessKey(accessKeyId, audit);
  return noContent();
});
