/** The sign-in form's fields, parsed by the form and by POST /api/auth/login. Pure. */
import { z } from "zod";

export const signInSchema = z.object({
  email: z.email("Enter the email address you sign in with.").max(320),
  password: z.string().min(1, "Enter your password.").max(256),
});

export type SignInInput = z.infer<typeof signInSchema>;
