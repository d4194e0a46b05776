import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { presignSchema } from "@/lib/object-browser/object-browser-schema";
import { presignObjectLink } from "@/lib/object-browser/presign-service";

type Params = { bucket: string };

/** A presigned GET link for one object, signed with the chosen access key, for at most 7 days. */
export const POST = apiRoute<Params>(async (request, { bucket }, { audit }) => {
  const input = await readJsonBody(request, presignSchema);
  // The wrapper has checked that Origin is exactly this site, where the object APIs answer too.
  return json(await presignObjectLink(bucket, input, request.headers.get("origin")!, audit), 201);
});
