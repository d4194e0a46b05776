import { apiRoute, json } from "@/lib/api/route-handler";

export const GET = apiRoute(async (_request, _params, { user }) => json({ email: user.email }));
