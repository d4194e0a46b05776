"use client";

/**
 * The bucket's Objects tab (BOS's "Manage object"): one folder at a time, by `/`, with
 * breadcrumbs, search by prefix, paging, uploads, downloads, deletes and presigned links. The
 * folder and the search live in the URL (`?prefix=a/b/&search=rep`), so Back and links work.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { DEFAULT_PAGE_SIZE, folderTrail } from "@/lib/object-browser/object-browser-schema";
import { useObjectPage } from "@/lib/object-browser/object-queries";
import { browseHref } from "./browse-href";
import { DeleteObjectsDialog } from "./delete-objects-dialog";
import { ObjectTable } from "./object-table";
import { PresignDialog } from "./presign-dialog";
import { UploadPanel } from "./upload-panel";
import { countOf } from "@/lib/format-count";

interface ObjectBrowserProps {
  bucket: string;
  /** The folder shown ("" for the bucket's root; otherwise ends with "/"). */
  prefix: string;
  /** Only names in the folder that start with this. */
  search: string;
}

export function ObjectBrowser({ bucket, prefix, search }: ObjectBrowserProps) {
  // Keyed by folder and search: paging and selection start over when either changes.
  return <FolderView key={`${prefix}\0${search}`} bucket={bucket} prefix={prefix} search={search} />;
}

function FolderView({ bucket, prefix, search }: ObjectBrowserProps) {
  const router = useRouter();
  const searchId = useId();
  const [markers, setMarkers] = useState<string[]>([""]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [deleting, setDeleting] = useState<string[] | null>(null);
  const [linking, setLinking] = useState<string | null>(null);
  const [searchText, setSearchText] = useState(search);
  const page = useObjectPage(bucket, { prefix: prefix + search, marker: markers[markers.length - 1]!, maxKeys: DEFAULT_PAGE_SIZE });
  const turnPage = (next: string[]) => {
    setMarkers(next);
    setSelected(new Set());
  };

  return (
    <section aria-labelledby="objects-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="objects-title" className="text-lg font-medium">
          Objects
        </h2>
        <div className="flex flex-wrap gap-2">
          <Button variant="danger" disabled={selected.size === 0} onClick={() => setDeleting([...selected])}>
            Delete selected{selected.size > 0 ? ` (${selected.size})` : ""}
          </Button>
        </div>
      </div>

      <nav aria-label="Folder path" className="text-sm">
        <ol className="flex flex-wrap items-center gap-1">
          <li className="min-w-0">
            <Link href={browseHref(bucket, "")} aria-current={prefix === "" ? "page" : undefined} className="text-brand-700 hover:underline">
              {bucket}
            </Link>
          </li>
          {folderTrail(prefix).map((folder) => (
            <li key={folder.prefix} className="flex min-w-0 items-center gap-1">
              <span aria-hidden className="text-slate-400">
                /
              </span>
              <Link href={browseHref(bucket, folder.prefix)} aria-current={folder.prefix === prefix ? "page" : undefined} className="min-w-0 text-brand-700 hover:underline">
                {folder.name === "" ? "(empty name)" : <Breakable text={folder.name} />}
              </Link>
            </li>
          ))}
        </ol>
      </nav>

      <form
        role="search"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          router.push(browseHref(bucket, prefix, searchText));
        }}
      >
        <div className="min-w-48 flex-1 space-y-1">
          <label htmlFor={searchId} className="block text-sm font-medium text-slate-800">
            Search this folder by name prefix
          </label>
          <input id={searchId} value={searchText} onChange={(event) => setSearchText(event.target.value)} className={inputClass} placeholder="e.g. report-2024" />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {search && (
          <Button variant="link" onClick={() => router.push(browseHref(bucket, prefix))}>
            Clear search
          </Button>
        )}
      </form>

      <UploadPanel bucket={bucket} prefix={prefix} />

      {page.isPending ? (
        <Spinner label="Loading objects" />
      ) : page.isError ? (
        <QueryError error={page.error} what="the objects" onRetry={() => void page.refetch()} />
      ) : (
        <>
          <ObjectTable
            bucket={bucket}
            listing={page.data}
            folderPrefix={prefix}
            selected={selected}
            onSelect={setSelected}
            onDelete={(key) => setDeleting([key])}
            onLink={setLinking}
          />
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
            <p aria-live="polite">
              Page {markers.length}: {countOf(page.data.folders.length, "folder")}, {countOf(page.data.objects.length, "object")}{search ? ` starting with “${search}”` : ""}
            </p>
            <div className="flex gap-2">
              <Button variant="secondary" disabled={markers.length === 1} onClick={() => turnPage(markers.slice(0, -1))}>
                Previous page
              </Button>
              <Button variant="secondary" disabled={!page.data.isTruncated || page.isPlaceholderData} onClick={() => turnPage([...markers, page.data.nextMarker!])}>
                Next page
              </Button>
            </div>
          </div>
        </>
      )}

      <DeleteObjectsDialog
        bucket={bucket}
        keys={deleting}
        onClose={(deleted) => {
          setDeleting(null);
          if (deleted) setSelected((current) => new Set([...current].filter((key) => !deleted.includes(key))));
        }}
      />
      <PresignDialog bucket={bucket} objectKey={linking} onClose={() => setLinking(null)} />
    </section>
  );
}
