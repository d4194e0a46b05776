"use client";

/** One page of a folder: sub-folders first, then objects with their details and actions. */
import Link from "next/link";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import type { ObjectEntry, ObjectListing } from "@/lib/object-browser/object-browser-schema";
import { downloadUrl } from "@/lib/object-browser/object-queries";
import { browseHref } from "./browse-href";
import { formatBytes, nameIn } from "./object-format";

interface ObjectTableProps {
  bucket: string;
  listing: ObjectListing;
  /** The folder shown: names are written relative to it. */
  folderPrefix: string;
  selected: Set<string>;
  onSelect: (selected: Set<string>) => void;
  onDelete: (key: string) => void;
  onLink: (key: string) => void;
}

function Source({ object }: { object: ObjectEntry }) {
  if (object.source.kind === "uploaded") return <span>Uploaded</span>;
  return (
    <span>
      Mirrored from <Breakable text={object.source.url} className="font-mono text-xs" /> on {new Date(object.source.at).toLocaleString()}
    </span>
  );
}

export function ObjectTable({ bucket, listing, folderPrefix, selected, onSelect, onDelete, onLink }: ObjectTableProps) {
  const { folders, objects } = listing;
  if (folders.length === 0 && objects.length === 0) {
    return <EmptyState>No objects here{listing.marker ? " on this page" : ""}. Upload files to add some.</EmptyState>;
  }
  const allSelected = objects.length > 0 && objects.every((object) => selected.has(object.key));
  const toggle = (key: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    onSelect(next);
  };
  return (
    // The table scrolls inside its own box on narrow screens; the box can take focus to scroll by
    // keyboard. `relative` keeps the visually hidden labels inside it (an absolutely positioned
    // element escapes a scroll box that is not its containing block, and widens the page).
    <div role="region" aria-label="Objects in this folder" tabIndex={0} className="relative overflow-x-auto rounded-md border border-slate-200 focus-visible:outline-2 focus-visible:outline-brand-600">
      <table className="w-full min-w-[56rem] text-sm">
        <caption className="sr-only">Folders and objects in {folderPrefix || "the bucket's root"}, in key order</caption>
        <thead className="bg-slate-100 text-left text-slate-600">
          <tr>
            <th scope="col" className="w-8 px-3 py-2">
              <input
                type="checkbox"
                aria-label="Select every object on this page"
                className="accent-brand-600"
                checked={allSelected}
                disabled={objects.length === 0}
                onChange={(event) => onSelect(event.target.checked ? new Set(objects.map((object) => object.key)) : new Set())}
              />
            </th>
            <th scope="col" className="px-3 py-2 font-medium">Name</th>
            <th scope="col" className="px-3 py-2 font-medium">Size</th>
            <th scope="col" className="px-3 py-2 font-medium">Type</th>
            <th scope="col" className="px-3 py-2 font-medium">Storage class</th>
            <th scope="col" className="px-3 py-2 font-medium">Last modified</th>
            <th scope="col" className="px-3 py-2 font-medium">Came from</th>
            <th scope="col" className="px-3 py-2 font-medium">ETag</th>
            <th scope="col" className="px-3 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {folders.map((folder) => (
            <tr key={folder} className="border-t border-slate-100">
              <td className="px-3 py-2" />
              <td className="px-3 py-2" colSpan={8}>
                <Link href={browseHref(bucket, folder)} className="font-medium text-brand-700 hover:underline">
                  <span aria-hidden>📁 </span>
                  <Breakable text={nameIn(folderPrefix, folder)} />
                  <span className="sr-only"> (folder)</span>
                </Link>
              </td>
            </tr>
          ))}
          {objects.map((object) => {
            // A key equal to the folder's own prefix ("a/" inside a/) has no name of its own here.
            const name = nameIn(folderPrefix, object.key) || `${object.key} (the folder's own object)`;
            return (
              <tr key={object.key} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2">
                  <input type="checkbox" aria-label={`Select ${name}`} className="accent-brand-600" checked={selected.has(object.key)} onChange={(event) => toggle(object.key, event.target.checked)} />
                </td>
                <td className="max-w-64 min-w-40 px-3 py-2">
                  <Breakable text={name} />
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{formatBytes(object.size)}</td>
                <td className="min-w-32 px-3 py-2">{object.contentType ? <Breakable text={object.contentType} /> : <span className="text-slate-500">not set</span>}</td>
                <td className="px-3 py-2">{object.storageClass}</td>
                <td className="px-3 py-2 whitespace-nowrap">{new Date(object.lastModified).toLocaleString()}</td>
                <td className="max-w-72 min-w-48 px-3 py-2">
                  <Source object={object} />
                </td>
                <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{object.etag}</td>
                <td className="px-3 py-2">
                  <div className="flex gap-3 whitespace-nowrap">
                    <a href={downloadUrl(bucket, object.key)} download className="text-sm font-medium text-brand-700 hover:underline" aria-label={`Download ${name}`}>
                      Download
                    </a>
                    <Button variant="link" aria-label={`Copy a link to ${name}`} onClick={() => onLink(object.key)}>
                      Link
                    </Button>
                    <Button variant="danger-link" aria-label={`Delete ${name}`} onClick={() => onDelete(object.key)}>
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
