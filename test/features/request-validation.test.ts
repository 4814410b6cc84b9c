import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { EdgeApi, RouteIntegration } from '../../lib';
import { definitionOf, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';

const MOCK = RouteIntegration.mock();
const { OBJECT, STRING, ARRAY, INTEGER, NULL } = apigw.JsonSchemaType;

function api(): EdgeApi {
  return new EdgeApi(new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack'), 'Api');
}

function postWith(schema: apigw.JsonSchema): () => unknown {
  return () => api().addRoute('POST', '/orders', MOCK, { requestSchemas: { 'application/json': schema } });
}

const PROP = 'requestSchemas of POST /orders.application/json';

describe('requestSchemas', () => {
  test('become models of the definition, referenced by the operation body and checked by the validator', () => {
    const a = api();
    const order: apigw.JsonSchema = {
      type: OBJECT,
      required: ['items'],
      additionalProperties: false,
      properties: {
        items: { type: ARRAY, minItems: 1, items: { type: STRING, pattern: '^[a-z]+$' } },
        quantity: { type: INTEGER, minimum: 1, maximum: 100 },
      },
    };
    a.addRoute('POST', '/orders', MOCK, { requestSchemas: { 'application/json': order } });
    // The same schema on another route is the same model.
    a.addRoute('PUT', '/orders', MOCK, { requestSchemas: { 'application/json': order } });
    const t = Template.fromStack(Stack.of(a));
    const schemas = definitionOf(t).components.schemas;
    const names = Object.keys(schemas);
    expect(names).toEqual([expect.stringMatching(/^Model[0-9a-f]{12}$/)]);
    expect(schemas[names[0]]).toEqual({
      type: 'object',
      required: ['items'],
      additionalProperties: false,
      properties: {
        items: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z]+$' } },
        quantity: { type: 'integer', minimum: 1, maximum: 100 },
      },
    });
    for (const method of ['POST', 'PUT']) {
      expect(operationOf(t, method, '/orders').requestBody).toEqual({
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${names[0]}` } } },
      });
    }
  });

  test.each([
    [
      'default',
      { type: STRING, default: 'x' },
      '"x"',
      'API Gateway does not support the default keyword in models',
    ],
    [
      'exclusiveMinimum',
      { type: INTEGER, minimum: 0, exclusiveMinimum: true },
      'true',
      'API Gateway does not support exclusiveMinimum in models',
    ],
    [
      'schema',
      { schema: apigw.JsonSchemaVersion.DRAFT4, type: OBJECT },
      '"http://json-schema.org/draft-04/schema#"',
      'An OpenAPI 3.0 schema has no $schema',
    ],
    [
      'ref',
      { ref: '#/definitions/Item' },
      '"#/definitions/Item"',
      'Models are self-contained: write the referenced schema in place',
    ],
    [
      'patternProperties',
      { type: OBJECT, patternProperties: { '^x': { type: STRING } } },
      '{"^x":{"type":"string"}}',
      'This keyword is not part of both JSON Schema draft 4 and OpenAPI 3.0. Use title, description, type,',
    ],
  ])('fails when a schema uses %s', (keyword, schema, value, allowed) => {
    expectInvalid(postWith(schema as apigw.JsonSchema), `${PROP}.${keyword}`, value, allowed);
  });

  test.each([
    ['a list of types', [STRING, NULL], '["string","null"]'],
    ["the 'null' type", NULL, '"null"'],
  ])('fails when a schema has %s', (_, type, value) => {
    expectInvalid(
      postWith({ type: OBJECT, properties: { name: { type } } }),
      `${PROP}.properties.name.type`,
      value,
      "OpenAPI 3.0 takes one type of boolean, object, array, number, integer, string (no 'null' and no list of types).",
    );
  });

  test.each(['int32', 'int64', 'decimal'])('fails when a schema has the format %s', (format) => {
    expectInvalid(
      postWith({ type: INTEGER, format }),
      `${PROP}.format`,
      JSON.stringify(format),
      'API Gateway models do not support the int32, int64 and decimal formats',
    );
  });

  test('fails when an array schema has no items, or a list of them', () => {
    expectInvalid(
      postWith({ type: ARRAY }),
      `${PROP}.items`,
      'undefined',
      'An array schema says what its items are (OpenAPI 3.0 requires items with type array).',
    );
    expectInvalid(
      postWith({ type: ARRAY, items: [{ type: STRING }, { type: INTEGER }] }),
      `${PROP}.items`,
      '"2 schemas"',
      'OpenAPI 3.0 takes one schema for the items of an array.',
    );
  });

  test('fails when a value of a schema is known only at deploy time', () => {
    const a = api();
    const pattern = new CfnParameter(Stack.of(a), 'Pattern').valueAsString;
    expectInvalid(
      () =>
        a.addRoute('POST', '/orders', MOCK, {
          requestSchemas: { 'application/json': { type: STRING, pattern } },
        }),
      `${PROP}.pattern`,
      JSON.stringify(pattern),
      'A body schema must be known at synth: it is part of the API contract.',
    );
  });

  test('a rejected schema leaves no model behind', () => {
    const a = api();
    expect(() =>
      a.addRoute('POST', '/orders', MOCK, {
        requestSchemas: {
          'application/json': { type: OBJECT },
          'text/plain': { type: STRING, default: 'x' },
        },
      }),
    ).toThrow(/default keyword/);
    a.addRoute('GET', '/orders', MOCK);
    expect(definitionOf(Template.fromStack(Stack.of(a))).components.schemas).toBeUndefined();
  });
});
