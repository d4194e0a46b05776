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
  return (
    <nav aria-label="Bucket sections" className="flex gap-1 border-b border-slate-200">
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.active ? "page" : undefined}
          className={`-mb-px border-b-2 px-4 py-2 text-sm ${
            tab.active ? "border-brand-600 font-medium text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"
          }`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
