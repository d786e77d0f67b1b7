import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toRouteTableEntry } from './route';
import { routeTable } from './route-table';
import { routes } from './routes';

// route-table.ts is generated from the contract; this keeps the two from drifting apart.

const projected = Object.fromEntries(
  Object.entries(routes).map(([name, route]) => [name, toRouteTableEntry(route)]),
);

describe('routeTable', () => {
  it('is exactly the contract without its schemas', () => {
    if (process.env.UPDATE_ROUTE_TABLE === '1') writeTable();
    expect(routeTable).toEqual(projected);
  });

  it('imports nothing but types, so it bundles no schema library', () => {
    const source = readFileSync(new URL('./route-table.ts', import.meta.url), 'utf8');
    const imports = source.split('\n').filter((line) => line.startsWith('import '));
    expect(imports.length).toBeGreaterThan(0);
    for (const line of imports) expect(line).toMatch(/^import type /);
  });
});

function writeTable(): void {
  const path = new URL('./route-table.ts', import.meta.url);
  const source = readFileSync(path, 'utf8');
  const start = source.indexOf('export const routeTable = {');
  const entries = Object.entries(projected).map(([name, entry]) => {
    const fields = Object.entries(entry).map(
      ([key, value]) => `${key}: ${typeof value === 'string' ? `'${value}'` : value}`,
    );
    return `  ${name}: { ${fields.join(', ')} },`;
  });
  const table = `export const routeTable = {\n${entries.join('\n')}\n} as const satisfies Record<RouteName, RouteTableEntry>;\n`;
  writeFileSync(path, source.slice(0, start) + table);
}
