import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AppProviders } from "@/components/app-providers";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { currentUser } from "@/lib/auth/require-user";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "BOS Mirror console", template: "%s · BOS Mirror console" },
  description: "Object storage with mirror back-to-origin",
};

// There is deliberately no app-wide loading.tsx: its Suspense boundary would wrap every page, so the
// response would start streaming (status 200) before the bucket layout or a rule page could find the
// bucket or rule missing. Without it, an unknown bucket or rule answers 404 (their not-found pages).
export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
            <Link href="/buckets" className="font-semibold text-brand-700">
              BOS Mirror
            </Link>
            {user && (
              <>
                <Link href="/buckets" className="text-sm text-slate-600 hover:text-slate-900">
                  Buckets
                </Link>
                <Link href="/access-keys" className="text-sm text-slate-600 hover:text-slate-900">
                  Access keys
                </Link>
                <SignOutButton email={user.email} />
              </>
            )}
          </nav>
        </header>
        <AppProviders>
          <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
            {children}
          </main>
        </AppProviders>
      </body>
    </html>
  );
}
