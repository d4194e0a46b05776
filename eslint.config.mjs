import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Modules that touch the database, the environment or the file system. Browser code (components/,
// route-private _components/) may import their types, never their values.
const serverOnlyModules = ["@/lib/db/*", "@/lib/env", "@/lib/generated/*", "@/lib/**/*-service", "@/lib/**/rule-record", "@/lib/api/route-handler"];

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
