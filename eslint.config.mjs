import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Modules that touch the database, the environment or the file system. Browser code (components/,
// route-private _components/) may import their types, never their values.
const serverOnlyModules = ["@/lib/db/*", "@/lib/env", "@/lib/generated/*", "@/lib/**/*-service", "@/lib/**/rule-record", "@/lib/api/route-handler"];

// The server-side layers, from the inside out. Each may import the layers before it, never after:
// domain (errors) → storage (bytes) → objects (object service) → origin (back-to-origin engine)
// → protocols (lib/object-api for BOS, lib/s3 for S3, lib/api and app/api for the management API, lib/http).
const protocols = ["./lib/object-api", "./lib/s3", "./lib/api", "./lib/http", "./app"];
const layerZones = [
  { target: "./lib/domain", from: "./lib", except: ["./domain"], message: "The domain's errors depend on nothing else." },
  { target: "./lib/storage", from: ["./lib/objects", "./lib/origin", ...protocols], message: "Storage keeps bytes: it knows nothing of objects, origins or HTTP." },
  { target: "./lib/objects", from: ["./lib/origin", ...protocols], message: "The object service knows nothing of origins or of any protocol." },
  { target: "./lib/origin", from: protocols, message: "The back-to-origin engine knows nothing of the protocols that call it." },
  {
    target: ["./lib/buckets", "./lib/mirroring", "./lib/audit", "./lib/auth", "./lib/db", "./lib/activity", "./lib/observability", "./lib/imports"],
    from: ["./lib/object-api", "./lib/s3", "./lib/http", "./app"],
    message: "Domain services are called by protocols, never the other way round.",
  },
];

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores([".next/**", "node_modules/**", "lib/generated/**", "playwright-report/**", "test-results/**", "data/**", "next-env.d.ts"]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/**/*.ts", "server.ts"],
    rules: {
      "import/no-restricted-paths": ["error", { zones: layerZones }],
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    // One way to refresh the console's queries after a change (see the helper for why).
    files: ["lib/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "app/**/*.{ts,tsx}"],
    ignores: ["lib/api/refresh-queries.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { property: "invalidateQueries", message: "Use refreshQueries (lib/api/refresh-queries.ts): invalidateQueries alone joins a first load already in flight, answered before the change." },
      ],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}", "app/**/_components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: serverOnlyModules,
              allowTypeImports: true,
              message: "Server-only module: browser code may import its types only.",
            },
          ],
        },
      ],
    },
  },
]);
