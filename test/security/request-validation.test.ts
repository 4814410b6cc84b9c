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
        items: { type: ARRAY, uniqueItems: true, items: { type: STRING, pattern: '^[a-z]+$' } },
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
        items: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z]+$' } },
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
      'discriminator',
      { type: OBJECT, discriminator: { propertyName: 'kind' } },
      '{"propertyName":"kind"}',
      'API Gateway does not support discriminator in any schema object',
    ],
    ['example', { type: STRING, example: 'x' }, '"x"', 'API Gateway does not support the example keyword'],
    [
      'readOnly',
      { type: STRING, readOnly: true },
      'true',
      'API Gateway does not support the readOnly keyword',
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

  test.each([
    ['maxItems', { type: ARRAY, items: { type: STRING }, maxItems: 100 }, '100', ''],
    ['minItems', { type: ARRAY, items: { type: STRING }, minItems: 1 }, '1', ''],
    [
      'maxItems',
      { type: OBJECT, properties: { lines: { type: ARRAY, items: { type: STRING }, maxItems: 10 } } },
      '10',
      '.properties.lines',
    ],
  ])(
    "fails when a request schema has %s, which API Gateway's validator does not check",
    (keyword, schema, value, at) => {
      expectInvalid(
        postWith(schema as apigw.JsonSchema),
        `${PROP}${at}.${keyword}`,
        value,
        "API Gateway's request validator does not check maxItems or minItems in a model imported from the API definition, so the limit would be in the contract but not enforced. Check the number of items in the backend, and say it in the description.",
      );
    },
  );

  test('a property may be named like a keyword: only keywords are refused', () => {
    expect(
      postWith({
        type: OBJECT,
        required: ['maxItems'],
        properties: { maxItems: { type: INTEGER, minimum: 0 }, '0': { type: STRING } },
      }),
    ).not.toThrow();
    expectInvalid(
      postWith({ type: OBJECT, properties: { '0': { type: STRING, minLength: -1 } } }),
      `${PROP}.properties.0.minLength`,
      '-1',
      'must be >= 0',
    );
  });

  test('a response schema, which only documents the contract, may give maxItems and minItems', () => {
    const a = api();
    a.addRoute('GET', '/orders', MOCK, {
      responseSchema: { type: ARRAY, items: { type: STRING }, minItems: 0, maxItems: 50 },
    });
    expect(a.openApi().paths['/orders'].get.responses['200'].content['application/json'].schema).toEqual({
      type: 'array',
      items: { type: 'string' },
      minItems: 0,
      maxItems: 50,
    });
  });

  test.each([
    ['required is not a list', { type: OBJECT, required: 'name' }, '.required', '"name"', 'must be array'],
    ['minLength is negative', { type: STRING, minLength: -1 }, '.minLength', '-1', 'must be >= 0'],
    ['maximum is not a number', { type: INTEGER, maximum: 'ten' }, '.maximum', '"ten"', 'must be number'],
    [
      'a nested required list is empty',
      { type: OBJECT, properties: { name: { type: OBJECT, required: [] } } },
      '.properties.name.required',
      '[]',
      'must NOT have fewer than 1 items',
    ],
    [
      'required names a property twice',
      { type: OBJECT, required: ['a', 'a'] },
      '.required',
      '["a","a"]',
      'must NOT have duplicate items',
    ],
    [
      'exclusiveMaximum has no maximum',
      { type: INTEGER, exclusiveMaximum: true },
      '',
      '{"type":"integer","exclusiveMaximum":true}',
      'must have property maximum when property exclusiveMaximum is present',
    ],
    ['an allOf is not a list', { allOf: { type: STRING } }, '.allOf', '{"type":"string"}', 'must be array'],
    ['an enum is empty', { type: STRING, enum: [] }, '.enum', '[]', 'must NOT have fewer than 1 items'],
    [
      'properties is not an object',
      { type: OBJECT, properties: 'name' },
      '.properties',
      '"name"',
      'must be object',
    ],
    [
      'the items of an anyOf branch are neither a schema nor a list',
      { anyOf: [{ type: STRING }, { type: ARRAY, items: 5 }] },
      '.anyOf[1].items',
      '5',
      'must be object, or must be array',
    ],
  ])('fails when a value breaks the draft-04 meta-schema: %s', (_, schema, at, value, allowed) => {
    expectInvalid(
      postWith(schema as unknown as apigw.JsonSchema),
      `${PROP}${at}`,
      value,
      `JSON Schema draft 4, which API Gateway models follow, says it ${allowed}`,
    );
  });

  test('fails when a response schema breaks the draft-04 meta-schema', () => {
    expectInvalid(
      () =>
        api().addRoute('GET', '/orders', MOCK, {
          responseSchema: { type: OBJECT, required: 'id' } as unknown as apigw.JsonSchema,
        }),
      'responseSchema of GET /orders.required',
      '"id"',
      'must be array',
    );
  });

  test.each(['(', '[a-', 'a{2,1}', '(?<n>a)\\k<m>'])(
    'fails when a pattern is not a regular expression: %s',
    (pattern) => {
      expectInvalid(
        postWith({ type: OBJECT, properties: { code: { type: STRING, pattern } } }),
        `${PROP}.properties.code.pattern`,
        JSON.stringify(pattern),
        'A pattern is a regular expression (ECMA 262, as JSON Schema draft 4 says): Invalid regular expression',
      );
    },
  );

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
