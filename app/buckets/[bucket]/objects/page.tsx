import type { Metadata } from "next";
import { ObjectBrowser } from "@/components/objects/object-browser";

type Props = { params: Promise<{ bucket: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const single = (value: string | string[] | undefined) => (typeof value === "string" ? value : "");

/** "Objects · demo · BOS Mirror console": the bucket's layout adds the bucket and the app. */
export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const prefix = single((await searchParams).prefix);
  return { title: `Objects${prefix ? ` in ${prefix}` : ""}` };
}

export default async function BucketObjectsPage({ params, searchParams }: Props) {
  const { bucket } = await params;
  const query = await searchParams;
  return <ObjectBrowser bucket={bucket} prefix={single(query.prefix)} search={single(query.search)} />;
}
