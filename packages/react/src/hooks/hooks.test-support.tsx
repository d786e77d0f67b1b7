import { QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { createPgliteDatabase, migrate, type SqlDatabase } from '../../../node/src/store';
import { startTestServer, type TestServer } from '../../../node/tests/support/server';
import { TierdeskProvider, type TierdeskProviderProps } from '../provider/tierdesk-provider';

// Test support for the hook suites: a real Tierdesk server (createTierdesk over PGlite) on a real
// socket, and providers pointing at it.

const TYPED_ARRAYS = [
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'Uint8ClampedArray',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
] as const;

/**
 * Vitest's jsdom environment replaces the global typed-array and `ArrayBuffer` constructors with
 * jsdom's, while Node's own APIs (TextEncoder, crypto, Buffer) keep making Node's: the server, which
 * here shares the test's process, then fails its `instanceof Uint8Array` checks. In production the
 * server never runs beside jsdom, so the tests give it back Node's constructors (React and Testing
 * Library do not care which realm they come from).
 */
function restoreNodeTypedArrays(): void {
  const globals = globalThis as unknown as Record<string, unknown>;
  // structuredClone is Node's: it rebuilds a value with the constructors of Node's realm.
  for (const name of TYPED_ARRAYS) {
    const Foreign = globals[name] as new (length: number) => object;
    globals[name] = (structuredClone(new Foreign(0)) as object).constructor;
  }
  globals.ArrayBuffer = Buffer.alloc(0).buffer.constructor;
}

/** A migrated in-memory database and a server on it; one per test file (PGlite takes seconds to open). */
export async function openServer(
  options: Parameters<typeof startTestServer>[1] = {},
): Promise<{ db: SqlDatabase; server: TestServer; close(): Promise<void> }> {
  restoreNodeTypedArrays();
  const db = await createPgliteDatabase();
  await migrate(db);
  const server = await startTestServer(db, options);
  return {
    db,
    server,
    async close() {
      await server.close();
      await db.close();
    },
  };
}

/** A QueryClient for one test: nothing is garbage-collected or refetched behind the test's back. */
export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { gcTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false } },
  });
}

/** A `renderHook` wrapper rendering `<TierdeskProvider>` with these props. */
export function providerWrapper(props: TierdeskProviderProps): (p: { children: ReactNode }) => ReactNode {
  return function Wrapper({ children }) {
    return <TierdeskProvider {...props}>{children}</TierdeskProvider>;
  };
}
