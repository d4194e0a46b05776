"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function BucketTabs({ bucket }: { bucket: string }) {
  const pathname = usePathname();
  const base = `/buckets/${bucket}`;
  const tabs = [
    { href: base, label: "Overview", active: pathname === base },
    { href: `${base}/objects`, label: "Objects", active: pathname === `${base}/objects` },
    { href: `${base}/configuration`, label: "Configuration Management", active: pathname.startsWith(`${base}/configuration`) },
    { href: `${base}/migration`, label: "Migration", active: pathname === `${base}/migration` },
    { href: `${base}/audit`, label: "Audit log", active: pathname === `${base}/audit` },
  ];
  // The tabs wrap onto a second line where they do not fit (a phone), rather than scroll sideways:
  // every section stays in sight, the current one included, and the page itself never scrolls sideways
  // (a label wider than the whole bar, on a very narrow screen, wraps within its tab).
  return (
    <nav aria-label="Bucket sections" className="flex flex-wrap gap-x-1 border-b border-slate-200">
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.active ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm sm:px-4 ${
            tab.active ? "border-brand-600 font-medium text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"
          }`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
