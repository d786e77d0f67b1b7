import fc from 'fast-check';
import * as z from 'zod/mini';

const { safeParse } = z;

// fast-check arbitraries from the contract's zod (mini) schemas: values the schema describes (valid) and
// values that break it in one place (invalid). Only the schema kinds the contract uses are handled; an
// unknown kind throws, so a new kind in the contract fails the fuzz suite instead of going unfuzzed.

/** Strings that have broken servers before: NUL, lone surrogates, BOM, bidi overrides, combining marks. */
export const UNICODE_EDGES: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\ufeff',
  '\u202e\u2066evil\u2069',
  '\u200b\u200c\u200d',
  '\u2028\u2029',
  'e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '𝕏𝕐ℤ',
  '\uffff\ufffe',
  '\u0085\u00a0',
  '﷽',
  '\\u0000',
  "'; DROP TABLE tickets; --",
  '%00%ff%',
  ['$', '{jndi:ldap://x}'].join(''),
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '__proto__',
  'constructor',
];

/** Names of fields whose schema carries a refinement random text never satisfies. */
const FIELD_HINTS: Record<string, fc.Arbitrary<unknown>> = {
  timeZone: fc.constantFrom(
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
  ),
};

type Def = {
  type: string;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  format?: string;
  pattern?: RegExp;
  shape?: Record<string, z.ZodMiniType>;
  innerType?: z.ZodMiniType;
  element?: z.ZodMiniType;
  options?: z.ZodMiniType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  keyType?: z.ZodMiniType;
  valueType?: z.ZodMiniType;
  defaultValue?: unknown;
  coerce?: boolean;
  in?: z.ZodMiniType;
};

function defOf(schema: z.ZodMiniType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function checksOf(def: Def): Record<string, unknown>[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

/** Options of the generators. */
export interface ArbitraryOptions {
  /** Values string fields may take besides random text (e.g. real ids for `id`-like fields). */
  stringPool?: readonly string[];
  /** The longest random string; schema maxima above it are still hit through boundary values. */
  maxRandomLength?: number;
}

function stringLimits(def: Def): { min: number; max: number } {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
    if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
    if (c.check === 'length_equals') {
      min = c.length as number;
      max = c.length as number;
    }
  }
  return { min, max };
}

function stringArbitrary(def: Def, options: ArbitraryOptions): fc.Arbitrary<string> {
  const format = def.format ?? checksOf(def).find((c) => c.check === 'string_format')?.format;
  if (format === 'email') {
    const word = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
      minLength: 1,
      maxLength: 12,
    });
    return fc
      .tuple(word, word, fc.constantFrom('com', 'de', 'example'))
      .map(([a, b, tld]) => `${a}@${b}.${tld}`);
  }
  if (format === 'url') return fc.webUrl();
  const anyDate = fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T00:00:00Z'),
    noInvalidDate: true,
  });
  if (format === 'datetime') {
    return fc.oneof(
      { weight: 4, arbitrary: anyDate.map((d) => d.toISOString()) },
      // Instants the schema accepts at the edges of what JavaScript and the database hold.
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '0000-01-01T00:00:00Z',
          '9999-12-31T23:59:59.999Z',
          '1969-12-31T23:59:59Z',
          '2026-11-23T09:00:00.123456789Z',
        ),
      },
    );
  }
  if (format === 'date') {
    return fc.oneof(
      { weight: 4, arbitrary: anyDate.map((d) => d.toISOString().slice(0, 10)) },
      { weight: 1, arbitrary: fc.constantFrom('0000-01-01', '9999-12-31', '1970-01-01') },
    );
  }
  const regexCheck = checksOf(def).find((c) => c.check === 'string_format' && c.format === 'regex');
  const { min, max } = stringLimits(def);
  if (regexCheck !== undefined) {
    const pattern = regexCheck.pattern as RegExp;
    // Tags: lower-case letters of any script, digits and `_:.-`.
    const tagChar = fc.constantFrom(...'abcxyz019_:.-éßдя中文'.split(''));
    const fromPattern = (() => {
      try {
        return fc.stringMatching(pattern);
      } catch {
        return fc.string({ unit: tagChar, minLength: 1, maxLength: 20 });
      }
    })();
    return fromPattern.filter((s) => pattern.test(s) && s.length >= min && s.length <= max);
  }
  const cap = Math.min(max, options.maxRandomLength ?? 40);
  const needsContent = min > 0;
  const random = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, cap) }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.max(min, cap) }) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.constantFrom(...UNICODE_EDGES), { minLength: 1, maxLength: 4 })
        .map((parts) => `${needsContent ? 'x' : ''}${parts.join('')}`),
    },
  );
  const choices: fc.WeightedArbitrary<string>[] = [{ weight: 8, arbitrary: random }];
  if (Number.isFinite(max)) {
    // At the limit, in astral characters too (two UTF-16 units each: the limit counts units).
    choices.push({
      weight: 1,
      arbitrary: fc.constantFrom('a'.repeat(max), `${'😀'.repeat(Math.floor(max / 2))}`),
    });
  }
  if (options.stringPool !== undefined && options.stringPool.length > 0) {
    choices.push({ weight: 4, arbitrary: fc.constantFrom(...options.stringPool) });
  }
  return fc.oneof(...choices).filter((s) => {
    const trimmed = checksOf(def).some((c) => c.check === 'overwrite') ? s.trim() : s;
    return trimmed.length >= min && trimmed.length <= max;
  });
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  let min = -1e12;
  let max = 1e12;
  let minExclusive = false;
  let maxExclusive = false;
  let integer = false;
  for (const c of checksOf(def)) {
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) integer = true;
    if (c.check === 'greater_than') {
      min = c.value as number;
      minExclusive = c.inclusive !== true;
    }
    if (c.check === 'less_than') {
      max = c.value as number;
      maxExclusive = c.inclusive !== true;
    }
  }
  if (integer) {
    const lo = Math.ceil(minExclusive ? min + 1 : min);
    const hi = Math.floor(maxExclusive ? max - 1 : max);
    return fc.integer({
      min: Math.max(lo, Number.MIN_SAFE_INTEGER),
      max: Math.min(hi, Number.MAX_SAFE_INTEGER),
    });
  }
  return fc.double({
    min,
    max,
    minExcluded: minExclusive,
    maxExcluded: maxExclusive,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

/** Values `schema` accepts (as JSON would carry them; refinements beyond the kinds above may still fail). */
export function validArbitrary(
  schema: z.ZodMiniType,
  options: ArbitraryOptions = {},
  field?: string,
): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  if (field !== undefined && FIELD_HINTS[field] !== undefined) return FIELD_HINTS[field];
  switch (def.type) {
    case 'string':
      return stringArbitrary(def, options);
    case 'number':
      return def.coerce === true ? numberArbitrary(def).map((n) => String(n)) : numberArbitrary(def);
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'unknown':
    case 'any':
      return fc.jsonValue({ maxDepth: 3 });
    case 'optional':
      return fc.option(validArbitrary(def.innerType as z.ZodMiniType, options, field), { nil: undefined });
    case 'default':
      return fc.option(validArbitrary(def.innerType as z.ZodMiniType, options, field), { nil: undefined });
    case 'nullable':
      return fc.option(validArbitrary(def.innerType as z.ZodMiniType, options, field), { nil: null });
    case 'array': {
      const { min, max } = stringLimits(def);
      return fc.array(validArbitrary(def.element as z.ZodMiniType, options, field), {
        minLength: min,
        maxLength: Math.min(max, Math.max(min, 4)),
      });
    }
    case 'record':
      return fc.dictionary(
        validArbitrary(def.keyType as z.ZodMiniType, { maxRandomLength: 12 }) as fc.Arbitrary<string>,
        validArbitrary(def.valueType as z.ZodMiniType, options),
        { maxKeys: 4 },
      );
    case 'object': {
      const shape = def.shape ?? {};
      const entries = Object.entries(shape).map(
        ([key, value]) => [key, validArbitrary(value, options, key)] as const,
      );
      const objects = fc.record(Object.fromEntries(entries)).map((record) => {
        // Optional fields left out entirely, as a client would.
        const out: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
        return out;
      });
      // A refinement over the whole object (e.g. an interval ends after it starts): keep the values it accepts.
      const refined = checksOf(def).some((c) => c.check === 'custom');
      return refined ? objects.filter((value) => safeParse(schema, value).success) : objects;
    }
    case 'union':
      return fc.oneof(...(def.options ?? []).map((o) => validArbitrary(o, options, field)));
    case 'pipe':
      return validArbitrary(def.in as z.ZodMiniType, options, field);
    default:
      throw new Error(`validArbitrary: zod type "${def.type}" is not handled; teach the fuzzer about it`);
  }
}

/** A value of the wrong JSON type, or an out-of-range one, for a field of `schema`. */
function wrongValue(schema: z.ZodMiniType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const anyWrong = fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    ' ',
    '\u0000',
    [],
    {},
    [[[[[[]]]]]],
    { __proto__: { admin: true } },
    'x'.repeat(100_000),
  );
  if (def.type === 'number')
    return fc.oneof(anyWrong, fc.string(), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1e21));
  if (def.type === 'string') return fc.oneof(anyWrong, fc.integer(), fc.constantFrom(...UNICODE_EDGES));
  return anyWrong;
}

/** Objects `schema` rejects in one place: a required field missing, a field of the wrong type, an extra deep field. */
export function invalidArbitrary(
  schema: z.ZodMiniType,
  options: ArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const topWrong = fc.constantFrom<unknown>(null, [], 'text', 42, true, [{}], { '': '' });
  if (def.type !== 'object') return fc.oneof(topWrong, wrongValue(schema));
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  if (keys.length === 0) return topWrong;
  return fc.oneof(
    { weight: 1, arbitrary: topWrong },
    {
      weight: 4,
      arbitrary: fc
        .tuple(validArbitrary(schema, options), fc.constantFrom(...keys))
        .chain(([valid, key]) =>
          wrongValue(shape[key] as z.ZodMiniType).map((wrong) => ({ ...(valid as object), [key]: wrong })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(validArbitrary(schema, options), fc.constantFrom(...keys)).map(([valid, key]) => {
        const copy = { ...(valid as Record<string, unknown>) };
        delete copy[key];
        return copy;
      }),
    },
  );
}
