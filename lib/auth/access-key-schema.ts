/** Access-key operations' inputs, shared by the console form and the API. Pure. */
import { z } from "zod";

export const createAccessKeySchema = z.object({
  description: z.string().trim().max(200, "Keep the description under 200 characters.").default(""),
});

export const updateAccessKeySchema = z.object({ enabled: z.boolean("Say whether the key is enabled.") });
