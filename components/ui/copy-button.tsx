"use client";

/** Copies a value to the clipboard and says so (in a live region, for screen readers too). */
import { useState } from "react";
import { Button } from "./button";

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      // No clipboard permission (an insecure origin, a denied prompt): the text is selectable.
      setState("failed");
    }
  };
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" onClick={() => void copy()} aria-label={label}>
        Copy
      </Button>
      <span role="status" className="text-xs">
        {state === "copied" ? "Copied." : state === "failed" ? "Copying is not allowed here: select the text and copy it." : ""}
      </span>
    </span>
  );
}
