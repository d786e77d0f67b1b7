import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The token route signs with @tierdesk/node: installed from the registry, Node loads it from
  // node_modules at run time instead of bundling the server package (PGlite, pg, the mail libraries).
  // (Inside this monorepo it is a workspace link, which Next bundles anyway; the route works either way.)
  serverExternalPackages: ['@tierdesk/node'],
};

export default nextConfig;
