/**
 * Headers on every response Next sends: console pages, /api and Next's own files. Object
 * responses (/v1) never pass through Next; server.ts answers them. Console pages also get a
 * per-request Content-Security-Policy with a script nonce from proxy.ts.
 */
const securityHeaders = [
  // Nothing may frame the console (clickjacking); CSP's frame-ancestors says the same to newer browsers.
  { key: "X-Frame-Options", value: "DENY" },
  // A response is only ever what its Content-Type says, never sniffed into HTML or script.
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Console URLs name buckets and keys: do not hand them to other sites.
  { key: "Referrer-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it; the
  // same for node-postgres (its optional native binding) and its Prisma adapter, should a bundled
  // module ever reach them (today only the custom server does, through lib/runtime/create-app.ts).
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // API answers are JSON, never a document: if one is ever opened as a page, nothing in it runs.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default nextConfig;
