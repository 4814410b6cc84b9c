import { validate } from '@readme/openapi-parser';
import Ajv from 'ajv';
import { Json } from './definition';

/**
 * The errors a well-kept OpenAPI validator (@readme/openapi-parser) finds in `document`, with `$ref`s
 * resolved inside the document only. API Gateway writes a greedy path variable as `{proxy+}` with a
 * parameter named `proxy`, which OpenAPI path templating does not know: `apiGatewayPaths` accepts that.
 */
export async function openApiErrors(
  document: Json,
  options: { apiGatewayPaths?: boolean } = {},
): Promise<string[]> {
  // The validator resolves references in place: it gets a copy.
  const copy = JSON.parse(JSON.stringify(document));
  const relaxed = options.apiGatewayPaths ? 'warning' : 'error';
  const result = await validate(copy, {
    resolve: { external: false },
    validate: {
      rules: {
        openapi: { 'path-parameters-not-in-path': relaxed, 'path-parameters-not-in-parameters': relaxed },
      },
    },
  });
  const errors = result.valid ? [] : result.errors.map((e) => e.message);
  // API Gateway imports OpenAPI 3.0, not 3.1, which the validator would accept too.
  if (!/^3\.0\.\d+$/.test(String(document.openapi))) {
    errors.push(`openapi is ${document.openapi}, not 3.0.x`);
  }
  return errors;
}

/**
 * The JSON Schema the contract (`api.openApi()`) gives for the body of one response, or undefined when it
 * gives none.
 */
export function contractBodySchema(
  api: { openApi(): Json },
  method: string,
  path: string,
  statusCode: number,
): Json | undefined {
  const contract = api.openApi();
  const operation = contract.paths[path]?.[method.toLowerCase()];
  if (!operation) {
    throw new Error(`the contract has no ${method} ${path}`);
  }
  return resolved(contract, operation.responses[`${statusCode}`]?.content?.['application/json']?.schema);
}

/** `schema`, or the component it refers to (`$ref` to `#/components/schemas/NAME`) in `document`. */
export function resolved(document: Json, schema: Json | undefined): Json | undefined {
  const ref: unknown = schema?.$ref;
  return typeof ref === 'string'
    ? document.components.schemas[ref.replace('#/components/schemas/', '')]
    : schema;
}

const ajv = new Ajv({ allErrors: true, strict: true, validateFormats: false });

/**
 * What is wrong with `body` for `schema` (an OpenAPI 3.0 schema: JSON Schema with `nullable`), by a
 * well-kept validator (Ajv): empty when the body matches.
 */
export function bodyErrors(schema: Json | undefined, body: unknown): string[] {
  if (!schema) {
    return ['no schema'];
  }
  const validate = ajv.compile(schema);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
