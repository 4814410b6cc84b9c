import { createHash } from 'node:crypto';
import { Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
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
 * fails the deployment (the definition is imported with FailOnWarnings).
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
  schema: 'An OpenAPI 3.0 schema has no $schema',
  id: 'An OpenAPI 3.0 schema has no id',
  ref: 'Models are self-contained: write the referenced schema in place',
  definitions: 'Models are self-contained: write the referenced schemas in place',
};
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
   * Checks a body schema and returns its model, not yet part of the API; throws on what API Gateway or
   * OpenAPI 3.0 cannot take.
   *
   * @param prop the prop to name in an error, e.g. `requestSchemas of POST /orders.application/json`
   */
  public prepare(scope: IConstruct, prop: string, schema: apigw.JsonSchema): RequestModel {
    const rendered = renderSchema(scope, prop, schema);
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

/** The schema as plain JSON, checked keyword by keyword. */
function renderSchema(scope: IConstruct, prop: string, schema: apigw.JsonSchema): OpenApiObject {
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
    rendered[keyword] = renderKeyword(scope, at, keyword, value);
  }
  return rendered;
}

function renderKeyword(scope: IConstruct, prop: string, keyword: string, value: unknown): unknown {
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
      return Object.fromEntries(
        Object.entries(value as Record<string, apigw.JsonSchema>).map(([name, child]) => [
          name,
          renderSchema(scope, `${prop}.${name}`, child),
        ]),
      );
    case 'items':
      if (Array.isArray(value)) {
        throw new PresetValidationError(
          scope,
          prop,
          `${value.length} schemas`,
          'OpenAPI 3.0 takes one schema for the items of an array.',
        );
      }
      return renderSchema(scope, prop, value as apigw.JsonSchema);
    case 'not':
      return renderSchema(scope, prop, value as apigw.JsonSchema);
    case 'additionalProperties':
      return typeof value === 'boolean' ? value : renderSchema(scope, prop, value as apigw.JsonSchema);
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
      return (value as apigw.JsonSchema[]).map((child, index) =>
        renderSchema(scope, `${prop}[${index}]`, child),
      );
    default:
      if (Token.isUnresolved(value)) {
        throw new PresetValidationError(
          scope,
          prop,
          value,
          'A body schema must be known at synth: it is part of the API contract.',
        );
      }
      return value;
  }
}
