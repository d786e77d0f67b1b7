import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createOpenApiDocument } from './openapi';
import { routes } from './routes';

describe('OpenAPI document from the contract', () => {
  const doc = createOpenApiDocument(undefined, { version: '0.1.0' });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // the validator is not a rubber stamp: a broken copy fails
    const broken = JSON.parse(JSON.stringify(doc));
    broken.paths['/v1/tickets'].post.responses = 'none';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('has one operation per route, with its method, path and scope', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, id: op.operationId as string, op })),
    );
    expect(operations.map((o) => o.id).sort()).toEqual(Object.keys(routes).sort());
    const update = operations.find((o) => o.id === 'updateTicket');
    expect(update).toMatchObject({ path: '/v1/agent/tickets/{ticketId}', method: 'patch' });
    const params = ((update?.op.parameters ?? []) as Array<{ name: string; in: string }>).map(
      (p) => `${p.in}:${p.name}`,
    );
    expect(params).toEqual(['path:ticketId', 'header:If-Match']);
  });

  it('carries request and response schemas from zod (defaults, limits, enums)', () => {
    const create = doc.paths['/v1/tickets']?.post as {
      requestBody: {
        content: {
          'application/json': {
            schema: { properties: Record<string, Record<string, unknown>>; required: string[] };
          };
        };
      };
    };
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['subject', 'body']));
    expect(body.properties.priority).toMatchObject({
      default: 'normal',
      enum: ['low', 'normal', 'high', 'urgent'],
    });
    expect(body.properties.subject).toMatchObject({ maxLength: 300, minLength: 1 });
    const queue = doc.paths['/v1/agent/tickets']?.get as {
      parameters: Array<{ name: string; style?: string }>;
    };
    expect(queue.parameters.find((p) => p.name === 'status')).toMatchObject({ style: 'form', explode: true });
  });
});
