import { Validator } from '@seriousme/openapi-schema-validator';
import { type RouteDef, routes } from '@tierdesk/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId?: string; parameters?: { name: string; in: string }[] }>
  >;
}

describeStores('the OpenAPI document the running server serves', ({ db }) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(db());
  });
  afterEach(async () => {
    await server.close();
  });

  it('is a valid OpenAPI 3.1 document with every contract route under its path and method', async () => {
    const response = await fetch(`${server.baseUrl}/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const doc = (await response.json()) as OpenApiDocument;
    expect(doc.openapi).toMatch(/^3\.1\./);

    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    const contract = routes as Readonly<Record<string, RouteDef>>;
    for (const [name, route] of Object.entries(contract)) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${name}: ${route.method} ${path}`).toBeDefined();
      expect(operation?.operationId, `${name}: ${route.method} ${path}`).toBe(name);
      const pathParams = (operation?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(pathParams.sort(), name).toEqual(
        [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]).sort(),
      );
    }
    // Nothing in the document that the contract does not have.
    const operations = Object.values(doc.paths).flatMap((ops) => Object.keys(ops));
    expect(operations).toHaveLength(Object.keys(contract).length);
  });
});
