import { createHash } from 'node:crypto';
import { Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
import { draft04Violation } from '../private/draft04';
import { OpenApiObject } from '../private/openapi';
import { PresetValidationError } from '../private/errors';

/** The one request validator every operation uses: declared parameters and body models are checked. */
export const REQUEST_VALIDATOR = 'all';

/**
 * cdk-nag's request-validation rule looks for a RequestValidator resource beside the REST API; the
 * validator lives in the API definition instead, as the default of every operation.
 */
export function acknowledgeRequestValidation(restApi: apigw.CfnRestApi): void {
  Validations.of(restApi).acknowledge({
    id: 'AwsSolutions-APIG2',
    reason:
      "Request validation is on for every operation: the API definition declares the validator 'all' (body and " +
      'parameters) and makes it the API-wide default (x-amazon-apigateway-request-validator). The rule only looks ' +
      'for a separate RequestValidator resource, which the definition would wipe; tests assert it on the definition.',
  });
}

/** The definition's request validators, and the default that applies to every operation. */
export function requestValidatorExtensions(): OpenApiObject {
  return {
    'x-amazon-apigateway-request-validators': {
      [REQUEST_VALIDATOR]: { validateRequestBody: true, validateRequestParameters: true },
    },
    'x-amazon-apigateway-request-validator': REQUEST_VALIDATOR,
  };
}

/*
 * Body schemas become API Gateway models (JSON Schema draft 4) through the definition's
 * components.schemas, which OpenAPI 3.0 reads as its own Schema Object. Only keywords both understand,
 * and API Gateway supports, are accepted: API Gateway ignores the others with an import warning, which
 * fails the deployment (the definition is imported with FailOnWarnings). What the "important notes for
 * REST APIs" of API Gateway's developer guide list as unsupported in an imported definition is refused
 * with the reason. Every value is then checked against the draft-04 meta-schema, and patterns compiled.
 */
const SCHEMA_KEYWORDS = new Set([
  'title',
  'description',
  'type',
  'enum',
  'format',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'items',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'properties',
  'additionalProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
]);
const WHY_NOT: Record<string, string> = {
  default: 'API Gateway does not support the default keyword in models',
  exclusiveMinimum: 'API Gateway does not support exclusiveMinimum in models',
  discriminator: 'API Gateway does not support discriminator in any schema object',
  example: 'API Gateway does not support the example keyword',
  readOnly: 'API Gateway does not support the readOnly keyword',
  schema: 'An OpenAPI 3.0 schema has no $schema',
  id: 'An OpenAPI 3.0 schema has no id',
  ref: 'Models are self-contained: write the referenced schema in place',
  definitions: 'Models are self-contained: write the referenced schemas in place',
};
/**
 * Keywords API Gateway's request validator does not check in a model imported from a definition (important
 * notes for REST APIs: "The maxItems and minItems tags are not included in simple request validation").
 */
const NOT_VALIDATED = new Set(['maxItems', 'minItems']);
const UNSUPPORTED_FORMATS = new Set(['int32', 'int64', 'decimal']);
const SCHEMA_TYPES = new Set(['boolean', 'object', 'array', 'number', 'integer', 'string']);
/** API Gateway: model names are alphanumeric. */
const MODEL_NAME_PREFIX = 'Model';

/** A body schema, checked and rendered, and the name of its model. */
export interface RequestModel {
  readonly name: string;
  readonly schema: OpenApiObject;
}

/**
 * The body schemas of an API's routes, each a model of the definition. Identical schemas share one
 * model, named from a hash of the schema so the name stays the same from one synth to the next.
 */
export class RequestModels {
  private readonly models = new Map<string, OpenApiObject>();

  /**
   * Checks a body schema and returns its model, not yet part of the API; throws on what API Gateway,
   * JSON Schema draft 4 or OpenAPI 3.0 cannot take.
   *
   * @param prop the prop to name in an error, e.g. `requestSchemas of POST /orders.application/json`
   * @param validated whether API Gateway's request validator checks bodies against it (a request body's
   *   schema), or it only documents the contract (a response's)
   */
  public prepare(scope: IConstruct, prop: string, schema: apigw.JsonSchema, validated = true): RequestModel {
    const rendered = renderSchema(scope, prop, schema, validated);
    const violation = draft04Violation(rendered);
    if (violation) {
      throw new PresetValidationError(
        scope,
        `${prop}${violation.at}`,
        violation.value,
        `JSON Schema draft 4, which API Gateway models follow, says it ${violation.allowed} (its meta-schema, http://json-schema.org/draft-04/schema).`,
      );
    }
    const hash = createHash('sha256').update(JSON.stringify(rendered)).digest('hex').slice(0, 12);
    return { name: `${MODEL_NAME_PREFIX}${hash}`, schema: rendered };
  }

  /** Makes a prepared model part of the API; returns its name. */
  public register(model: RequestModel): string {
    this.models.set(model.name, model.schema);
    return model.name;
  }

  /** The definition's components.schemas. */
  public schemas(): OpenApiObject {
    return Object.fromEntries(this.models);
  }
}

/**
 * The schema as plain JSON, checked keyword by keyword. A value of the wrong kind (`required: 'name'`) is
 * kept as given, for the meta-schema to name.
 */
function renderSchema(
  scope: IConstruct,
  prop: string,
  schema: apigw.JsonSchema,
  validated: boolean,
): OpenApiObject {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new PresetValidationError(scope, prop, schema, 'A body schema is a JSON Schema object.');
  }
  if (schema.type === 'array' && schema.items === undefined) {
    throw new PresetValidationError(
      scope,
      `${prop}.items`,
      undefined,
      'An array schema says what its items are (OpenAPI 3.0 requires items with type array).',
    );
  }
  const rendered: OpenApiObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (value === undefined) {
      continue;
    }
    const at = `${prop}.${keyword}`;
    if (!SCHEMA_KEYWORDS.has(keyword)) {
      throw new PresetValidationError(
        scope,
        at,
        value,
        `${WHY_NOT[keyword] ?? 'This keyword is not part of both JSON Schema draft 4 and OpenAPI 3.0'}. Use ${[...SCHEMA_KEYWORDS].join(', ')}.`,
      );
    }
    if (validated && NOT_VALIDATED.has(keyword)) {
      throw new PresetValidationError(
        scope,
        at,
        value,
        `API Gateway's request validator does not check ${[...NOT_VALIDATED].join(' or ')} in a model imported from the API definition, so the limit would be in the contract but not enforced. Check the number of items in the backend, and say it in the description.`,
      );
    }
    rendered[keyword] = renderKeyword(scope, at, keyword, value, validated);
  }
  return rendered;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function renderKeyword(
  scope: IConstruct,
  prop: string,
  keyword: string,
  value: unknown,
  validated: boolean,
): unknown {
  const child = (at: string, schema: unknown) =>
    renderSchema(scope, at, schema as apigw.JsonSchema, validated);
  switch (keyword) {
    case 'type':
      if (typeof value !== 'string' || !SCHEMA_TYPES.has(value)) {
        throw new PresetValidationError(
          scope,
          prop,
          value,
          `OpenAPI 3.0 takes one type of ${[...SCHEMA_TYPES].join(', ')} (no 'null' and no list of types).`,
        );
      }
      return value;
    case 'format':
      if (typeof value === 'string' && UNSUPPORTED_FORMATS.has(value)) {
        throw new PresetValidationError(
          scope,
          prop,
          value,
          'API Gateway models do not support the int32, int64 and decimal formats; use a type with minimum and maximum instead.',
        );
      }
      return value;
    case 'properties':
      return isObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([name, schema]) => [name, child(`${prop}.${name}`, schema)]),
          )
        : value;
    case 'items':
      if (Array.isArray(value)) {
        throw new PresetValidationError(
          scope,
          prop,
          `${value.length} schemas`,
          'OpenAPI 3.0 takes one schema for the items of an array.',
        );
      }
      return isObject(value) ? child(prop, value) : value;
    case 'not':
    case 'additionalProperties':
      return isObject(value) ? child(prop, value) : value;
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
      return Array.isArray(value) ? value.map((schema, index) => child(`${prop}[${index}]`, schema)) : value;
    case 'pattern':
      checkResolved(scope, prop, value);
      if (typeof value === 'string') {
        try {
          new RegExp(value);
        } catch (error) {
          throw new PresetValidationError(
            scope,
            prop,
            value,
            `A pattern is a regular expression (ECMA 262, as JSON Schema draft 4 says): ${(error as Error).message}.`,
          );
        }
      }
      return value;
    default:
      checkResolved(scope, prop, value);
      return value;
  }
}

function checkResolved(scope: IConstruct, prop: string, value: unknown): void {
  if (Token.isUnresolved(value)) {
    throw new PresetValidationError(
      scope,
      prop,
      value,
      'A body schema must be known at synth: it is part of the API contract.',
    );
  }
}
