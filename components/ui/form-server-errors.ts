/** Puts the server's field errors onto the react-hook-form fields with the same paths. */
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiRequestError } from "@/lib/api/api-client";

/**
 * The form and the server parse the same schema, so every field path the server names is a
 * path of the form. Returns the message to show above the form.
 */
export function applyServerErrors<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>): string {
  if (!(error instanceof ApiRequestError)) return "Something went wrong. Please try again.";
  let placed = 0;
  for (const [path, messages] of Object.entries(error.fieldErrors ?? {})) {
    if (path === "_root" || !messages[0]) continue;
    setError(path as Path<T>, { type: "server", message: messages.join(" ") }, { shouldFocus: placed === 0 });
    placed += 1;
  }
  // A message shown at its field is not repeated above the form (a duplicate name showed twice).
  return placed > 0 ? "Please correct the highlighted fields." : error.message;
}
