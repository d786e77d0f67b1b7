import { toJSONSchema } from 'zod/mini';
import { ErrorBodySchema } from './errors';
import type { AnySchema, RouteDef } from './route';
import { routes as defaultRoutes, type Routes } from './routes';

/** A JSON Schema object as it appears in the document. */
export type JsonSchemaObject = Record<string, unknown>;

/** An OpenAPI 3.1 document (the parts Tierdesk writes). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  jsonSchemaDialect: string;
  servers?: Array<{ url: string; description?: string }>;
  paths: Record<string, Record<string, JsonSchemaObject>>;
  components: {
    schemas: Record<string, JsonSchemaObject>;
    securitySchemes: Record<string, JsonSchemaObject>;
    responses: Record<string, JsonSchemaObject>;
  };
}

/** Options of {@link createOpenApiDocument}. */
export interface OpenApiOptions {
  title?: string;
  version?: string;
  description?: string;
  servers?: Array<{ url: string; description?: string }>;
}

/** Shared definitions hoisted out of the converted schemas, by name. */
type Definitions = Record<string, JsonSchemaObject>;

const schemaOf = (schema: AnySchema, io: 'input' | 'output', defs: Definitions): JsonSchemaObject => {
  const { $schema: _dialect, ...rest } = toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as JsonSchemaObject;
  return hoistDefinitions(rest, defs);
};

// Recursive schemas (the markdown tree) convert with local `$defs` and `#/$defs/…` refs, which would
// point at the OpenAPI document's root once embedded. They move to `components.schemas` under a name
// derived from their content (the same schema met in many routes is stored once) and refs follow.
function hoistDefinitions(json: JsonSchemaObject, defs: Definitions): JsonSchemaObject {
  const local = json.$defs as Record<string, JsonSchemaObject> | undefined;
  if (local === undefined) return json;
  const { $defs: _local, ...body } = json;
  const names = new Map<string, string>();
  for (const [key, def] of Object.entries(local)) names.set(key, `Def${hashOf(JSON.stringify(def))}`);
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const target = k === '$ref' && typeof v === 'string' ? names.get(v.replace('#/$defs/', '')) : undefined;
      out[k] = target === undefined ? rewrite(v) : `#/components/schemas/${target}`;
    }
    return out;
  };
  for (const [key, def] of Object.entries(local))
    defs[names.get(key) as string] = rewrite(def) as JsonSchemaObject;
  return rewrite(body) as JsonSchemaObject;
}

// A short, stable content hash (FNV-1a), enough to name definitions; no crypto needed in the browser.
function hashOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** Splits an object schema into one OpenAPI parameter per property. */
function parametersOf(
  schema: AnySchema | undefined,
  where: 'path' | 'query',
  defs: Definitions,
): JsonSchemaObject[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input', defs) as {
    properties?: Record<string, JsonSchemaObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
    // Arrays in queries are repeated keys: `status=open&status=pending`.
    ...(where === 'query' && property.type === 'array' ? { style: 'form', explode: true } : {}),
  }));
}

function operationOf(name: string, route: RouteDef, defs: Definitions): JsonSchemaObject {
  const parameters = [
    ...parametersOf(route.params, 'path', defs),
    ...parametersOf(route.query, 'query', defs),
  ];
  if (route.versioned) {
    parameters.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The ticket version the change is based on, as an ETag (`"3"`); a stale one gets 412.',
      schema: { type: 'string' },
    });
  }
  if (route.method === 'POST') {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Replays the first response for 24 h when sent again with the same body; another body gets 422.',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  if (route.stream) {
    parameters.push({
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description: 'Resume the stream after this event id.',
      schema: { type: 'string' },
    });
  }
  const success: JsonSchemaObject = route.stream
    ? { description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } }
    : route.response
      ? {
          description: 'OK',
          content: { 'application/json': { schema: schemaOf(route.response, 'output', defs) } },
        }
      : { description: 'No content' };
  return {
    operationId: name,
    summary: route.summary,
    tags: [route.scope === 'agent' ? 'agent' : route.scope === 'user' ? 'end-user' : 'public'],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input', defs) } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: success,
      '4XX': { $ref: '#/components/responses/Error' },
      '5XX': { $ref: '#/components/responses/Error' },
    },
    security: route.scope === 'public' ? [] : [{ bearer: [] }],
  };
}

/**
 * Generates the OpenAPI 3.1 document of the API from the contract: every route with its parameters,
 * body and response schemas (JSON Schema 2020-12 from the zod schemas), headers (`If-Match`,
 * `Idempotency-Key`, `Last-Event-ID`) and the shared error shape. The server serves it at
 * `/v1/openapi.json`; it is built from the same `routes` the client and server use.
 */
export function createOpenApiDocument(
  routeMap: Record<string, RouteDef> = defaultRoutes as Routes & Record<string, RouteDef>,
  options: OpenApiOptions = {},
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const defs: Definitions = {};
  for (const [name, route] of Object.entries(routeMap)) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Record<string, JsonSchemaObject>)[route.method.toLowerCase()] = operationOf(
      name,
      route,
      defs,
    );
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Tierdesk API',
      version: options.version ?? '1',
      ...(options.description ? { description: options.description } : {}),
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.servers ? { servers: options.servers } : {}),
    paths,
    components: {
      schemas: { ErrorBody: schemaOf(ErrorBodySchema, 'output', defs), ...defs },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "An end user's identity token (JWT signed by the host) or an agent API key.",
        },
      },
      responses: {
        Error: {
          description: 'An error: `{ error: { code, message, issues? } }`',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        },
      },
    },
  };
}
