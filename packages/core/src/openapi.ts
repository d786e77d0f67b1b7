// @tierdesk/core/openapi — the OpenAPI 3.1 document generated from the API contract. A separate
// entry: it pulls zod's JSON Schema converter, which no browser bundle needs.
// Explicit named exports only.

export {
  createOpenApiDocument,
  type JsonSchemaObject,
  type OpenApiDocument,
  type OpenApiOptions,
} from './contract/openapi';
