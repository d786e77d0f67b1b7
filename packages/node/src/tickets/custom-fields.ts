import { ApiError } from '../http/api-error';

/**
 * The Standard Schema interface (standardschema.dev) that zod, valibot and arktype schemas implement:
 * hosts describe their tickets' custom fields with the library they already use.
 */
export interface StandardSchemaV1<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/**
 * Validates a ticket's custom fields with the host's schema; a rejection is a 400 `validation_failed`
 * whose issue paths start at `customFields`. Without a schema any JSON object is accepted (the
 * contract already bounds its size).
 */
export async function validateCustomFields(
  schema: StandardSchemaV1 | undefined,
  value: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (schema === undefined) return value;
  const result = await schema['~standard'].validate(value);
  if (result.issues === undefined) {
    const out = result.value;
    if (typeof out !== 'object' || out === null || Array.isArray(out)) {
      throw new TypeError('the customFields schema must produce an object');
    }
    return out as Record<string, unknown>;
  }
  const issues = result.issues.map((issue) => ({
    path: [
      'customFields',
      ...(issue.path ?? []).map((p) => {
        const key = typeof p === 'object' && p !== null ? p.key : p;
        return typeof key === 'number' ? key : String(key);
      }),
    ],
    code: 'custom_field',
    message: issue.message,
  }));
  const first = issues[0];
  throw new ApiError(
    'validation_failed',
    `Invalid body: ${first?.message ?? 'rejected'} (at body.${first?.path.join('.') ?? 'customFields'})`,
    { issues },
  );
}
