import type Ajv from 'ajv-draft-04';
import type { ErrorObject } from 'ajv-draft-04';

/** A value of a schema that JSON Schema draft 4 does not allow. */
export interface Draft04Violation {
  /** Where the value is in the schema, e.g. `.properties.name.minLength` (empty for the schema itself). */
  readonly at: string;
  /** The value. */
  readonly value: unknown;
  /** What draft 4 allows there, e.g. `must be >= 0`. */
  readonly allowed: string;
}

let validator: Ajv | undefined;

/**
 * The draft-04 meta-schema validator, created on first use: loading ajv and compiling the meta-schema
 * takes about a tenth of a second, which an app without body schemas should not pay. One per process.
 */
function draft04(): Ajv {
  if (!validator) {
    // Loaded here, not imported at the top, so that requiring the library stays cheap.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: Ajv04 } = require('ajv-draft-04') as typeof import('ajv-draft-04');
    // Patterns are compiled by the caller; formats are not checked by the meta-schema.
    validator = new Ajv04({ allErrors: true, strict: false, validateFormats: false });
  }
  return validator;
}

/**
 * Checks `schema` against the JSON Schema draft-04 meta-schema (the schema of schemas, as API Gateway
 * models use it) and returns the first value it refuses, or undefined when it has none.
 */
export function draft04Violation(schema: object): Draft04Violation | undefined {
  const ajv = draft04();
  if (ajv.validateSchema(schema) === true) {
    return undefined;
  }
  const errors = ajv.errors ?? [];
  const first = errors[0];
  if (!first) {
    return { at: '', value: schema, allowed: 'The draft-04 meta-schema refuses it.' };
  }
  // Everything said about the first wrong value; "must match a schema in anyOf" adds nothing to its branches.
  const here = errors.filter((error) => error.instancePath === first.instancePath);
  const specific = here.filter((error) => error.keyword !== 'anyOf');
  const messages = [...new Set((specific.length > 0 ? specific : here).map(describe))];
  return {
    at: dotted(first.instancePath),
    value: valueAt(schema, first.instancePath),
    allowed: messages.join(', or '),
  };
}

function describe(error: ErrorObject): string {
  const allowedValues = (error.params as { allowedValues?: unknown[] }).allowedValues;
  return allowedValues ? `${error.message} (${allowedValues.join(', ')})` : (error.message ?? error.keyword);
}

/** The segments of a JSON Pointer. */
function segments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A JSON Pointer into a schema as the library names schema paths: `.properties.name`, `.allOf[0]`. */
function dotted(pointer: string): string {
  let out = '';
  let previous = '';
  for (const segment of segments(pointer)) {
    // Property names are names even when they are digits; other numeric steps index a list.
    out += /^[0-9]+$/.test(segment) && previous !== 'properties' ? `[${segment}]` : `.${segment}`;
    previous = previous === 'properties' ? '' : segment;
  }
  return out;
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of segments(pointer)) {
    value = (value as Record<string, unknown> | undefined)?.[segment];
  }
  return value;
}
