"use client";

/**
 * Uploads files into the folder shown: several at once (two on the wire at a time, the rest
 * queued), each with its own progress bar, cancellable while it runs. Each file's bytes stream
 * from disk through the browser (XMLHttpRequest, for upload progress) into the object service.
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { useNotify } from "@/components/ui/notices";
import { useInvalidateObjects } from "@/lib/object-browser/object-queries";
import { UploadQueue, type UploadItem, type UploadState } from "@/lib/object-browser/upload-queue";
import { uploadFile } from "@/lib/object-browser/upload-request";
import { formatBytes } from "./object-format";
import { countOf } from "@/lib/format-count";

export function UploadPanel({ bucket, prefix }: { bucket: string; prefix: string }) {
  const invalidate = useInvalidateObjects(bucket);
  const [queue] = useState(() => new UploadQueue((key, file, onProgress) => uploadFile(bucket, key, file, (sent) => onProgress(sent)), () => void invalidate()));
  const uploads = useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
  const inputRef = useRef<HTMLInputElement>(null);
  const helpId = useId();
  const notify = useNotify();

  // Leaving the page cancels what is still on the wire.
  useEffect(() => () => queue.abortAll(), [queue]);

  const add = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    queue.add([...files].map((file) => ({ key: prefix + file.name, file })));
    notify("success", `Uploading ${countOf(files.length, "file")} to ${prefix || "the bucket's root"}.`);
    if (inputRef.current) inputRef.current.value = "";
  };

  const finished = uploads.filter((upload) => upload.state !== "queued" && upload.state !== "uploading");

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {/* Hidden: the button opens the browser's file picker, so keyboard users meet one control, not two. */}
        <input ref={inputRef} type="file" multiple hidden data-testid="upload-input" onChange={(event) => add(event.target.files)} />
        <Button onClick={() => inputRef.current?.click()} aria-describedby={helpId}>
          Upload files
        </Button>
        <p id={helpId} className="text-xs text-slate-600">
          Files go into {prefix ? <Breakable text={prefix} className="font-mono" /> : "the bucket's root"}, named as on your disk; a file with the name of an existing object replaces it.
        </p>
      </div>
      {uploads.length > 0 && (
        <section aria-label="Uploads" className="space-y-2 rounded-md border border-slate-200 p-3">
          <ul className="space-y-2">
            {uploads.map((upload) => (
              <UploadRow key={upload.id} upload={upload} onCancel={() => queue.cancel(upload.id)} />
            ))}
          </ul>
          {finished.length > 0 && (
            <Button variant="link" onClick={() => queue.clearFinished()}>
              Clear finished uploads
            </Button>
          )}
        </section>
      )}
    </div>
  );
}

const STATE_TEXT: Record<UploadState, string> = { queued: "Waiting", uploading: "Uploading", done: "Uploaded", failed: "Failed", cancelled: "Cancelled" };

function UploadRow({ upload, onCancel }: { upload: UploadItem; onCancel: () => void }) {
  const total = upload.size;
  const percent = total === 0 ? (upload.state === "done" ? 100 : 0) : Math.round((upload.sent / total) * 100);
  const progressId = useId();
  return (
    <li className="text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span id={progressId} className="min-w-0 font-mono text-xs">
          <Breakable text={upload.key} />
        </span>
        <span className={upload.state === "failed" ? "text-red-700" : "text-slate-600"}>
          {STATE_TEXT[upload.state]} · {formatBytes(upload.sent)} of {formatBytes(total)}
          {(upload.state === "queued" || upload.state === "uploading") && (
            <Button variant="link" className="ml-2" aria-label={`Cancel the upload of ${upload.key}`} onClick={onCancel}>
              Cancel
            </Button>
          )}
        </span>
      </div>
      <progress aria-labelledby={progressId} max={100} value={percent} className="mt-1 h-2 w-full accent-brand-600">
        {percent}%
      </progress>
      {upload.error && upload.state === "failed" && (
        <p role="alert" className="text-xs text-red-700">
          {upload.error}
        </p>
      )}
    </li>
  );
}
