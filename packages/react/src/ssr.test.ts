// @vitest-environment node
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Importing an entry on a server must not reach for browser globals. Every browser global is
// replaced by a getter that records who read it (and returns `undefined`, as on a real server).
// Libraries may feature-detect (`typeof window`, as TanStack Query does once at load); code of
// this repository may not read them at all while importing or rendering on the server.
// Nothing else is imported statically, so React, TanStack Query and the entries load under the traps.

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'matchMedia',
  'requestAnimationFrame',
  'EventSource',
  'HTMLElement',
] as const;

interface Access {
  name: string;
  stack: string;
}

let accesses: Access[] = [];
const saved = new Map<string, PropertyDescriptor | undefined>();

beforeEach(() => {
  accesses = [];
  vi.resetModules();
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 200;
        const stack = new Error(`read of ${name}`).stack ?? '';
        Error.stackTraceLimit = limit;
        accesses.push({ name, stack });
        return undefined;
      },
    });
  }
});

afterEach(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
  saved.clear();
});

/**
 * Reads of browser globals made by this repository's own source files: the frame right below the
 * trap is the code that read the global (outer frames are merely the importers on the way).
 */
function ownAccesses(): Access[] {
  return accesses.filter((access) => {
    const frames = access.stack.split('\n').filter((line) => line.trim().startsWith('at '));
    const reader = frames.find((frame) => !frame.includes('/ssr.test.ts')) ?? '';
    return /\/packages\/[^/]+\/src\//.test(reader);
  });
}

/** Every entry the package exports, by its `source` condition. */
function entries(): { name: string; file: string }[] {
  const pkg = JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { source?: string }>;
  };
  return Object.entries(pkg.exports).flatMap(([name, target]) =>
    typeof target === 'object' && target.source !== undefined
      ? [{ name, file: resolve(packageDir, target.source) }]
      : [],
  );
}

describe('SSR safety', () => {
  it('has entries to check', () => {
    expect(entries().map((e) => e.name)).toContain('.');
  });

  for (const entry of entries()) {
    it(`importing "${entry.name}" reads no browser global`, async () => {
      const module = (await import(/* @vite-ignore */ entry.file)) as Record<string, unknown>;
      expect(Object.keys(module).length).toBeGreaterThan(0);
      expect(ownAccesses().map((a) => a.name)).toEqual([]);
    });
  }

  it('the trap works: a read from this repository is caught', async () => {
    // Guards against a trap that silently records nothing.
    const { useTierdeskReset } = await import('./provider/use-tierdesk-reset');
    expect(typeof useTierdeskReset).toBe('function');
    accesses.push({
      name: 'window',
      stack: `Error\n    at get (${packageDir}/src/ssr.test.ts:1:1)\n    at x (${packageDir}/src/widget/x.tsx:1:1)`,
    });
    accesses.push({
      name: 'window',
      stack: `Error\n    at get (${packageDir}/src/ssr.test.ts:1:1)\n    at y (/node_modules/lib/utils.js:6:1)\n    at z (${packageDir}/src/index.ts:1:1)`,
    });
    expect(ownAccesses()).toHaveLength(1);
    accesses = [];
    void (globalThis as { document?: unknown }).document;
    expect(accesses.map((a) => a.name)).toEqual(['document']);
  });

  it('renders the provider and a hook to HTML without fetching or reading browser globals', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no fetch during SSR')));
    const { createElement } = await import('react');
    const { renderToString } = await import('react-dom/server');
    const { TierdeskProvider, useMyTickets } = await import('./index');
    function Tickets() {
      const tickets = useMyTickets();
      return createElement('p', null, `status:${tickets.status}`);
    }
    const html = renderToString(
      createElement(TierdeskProvider, {
        baseUrl: 'https://help.example.com',
        getToken: () => 'token',
        identity: 'u-ada',
        clientOptions: { fetch: fetchSpy },
        children: createElement(Tickets),
      }),
    );
    expect(html).toBe('<p>status:pending</p>');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(ownAccesses().map((a) => a.name)).toEqual([]);
  });
});
