// Types for next.config.mjs, which tests import to check its headers.
import type { NextConfig } from "next";

declare const nextConfig: NextConfig;
export default nextConfig;
