/**
 * Uploads one file to the management API with XMLHttpRequest, the browser API that reports upload
 * progress (fetch does not). The file is sent as the raw body, which the browser streams from
 * disk; the server streams it on into the object service.
 */
import { ApiRequestError } from "@/lib/api/api-client";
import type { ApiErrorBody } from "@/lib/api/api-error";
import type { UploadedObject } from "./object-browser-schema";
import { objectsBase } from "./object-queries";

export interface UploadHandle {
  done: Promise<UploadedObject>;
  abort: () => void;
}

export function uploadFile(bucket: string, key: string, file: Blob, onProgress: (sent: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedObject>((resolve, reject) => {
    xhr.open("PUT", `${objectsBase(bucket)}/content?key=${encodeURIComponent(key)}`);
    if (file.type) xhr.setRequestHeader("content-type", file.type);
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status === 201) return resolve(xhr.response as UploadedObject);
      const error = (xhr.response ?? {}) as Partial<ApiErrorBody>;
      reject(new ApiRequestError(xhr.status, error.code ?? "InternalError", error.message ?? `The server answered ${xhr.status}.`, error.requestId, error.fieldErrors));
    };
    xhr.onerror = () => reject(new ApiRequestError(0, "NetworkError", "The upload was cut off: the server could not be reached or closed the connection."));
    xhr.onabort = () => reject(new ApiRequestError(0, "NetworkError", "Upload cancelled."));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
