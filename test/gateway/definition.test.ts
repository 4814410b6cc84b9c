import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiAuthorization, DefinitionLocation, EdgeApi, EdgeApiProps, RouteIntegration } from '../../lib';
import { definitionOf, integrationOf, Json, operationOf, operationsOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { openApiErrors } from '../support/openapi';

const MOCK = RouteIntegration.mock();

function handler(scope: Stack, id = 'Handler', functionName?: string): lambda.Function {
  return new lambda.Function(scope, id, {
    functionName,
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
}

/** An EdgeApi at Stack/Api, in an app without the built-in validation (these tests look at the template). */
function api(props?: EdgeApiProps): EdgeApi {
  return new EdgeApi(new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack'), 'Api', props);
}

function templateOf(a: EdgeApi): Template {
  return Template.fromStack(Stack.of(a));
}

function deploymentId(template: Template): string {
  const ids = Object.keys(template.findResources('AWS::ApiGateway::Deployment'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('one API definition', () => {
  test('renders every route into the REST API body, imported with overwrite and failing on warnings', () => {
    const a = api();
    a.addRoute('GET', '/orders/{id}', MOCK);
    const t = templateOf(a);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Mode: 'overwrite',
      FailOnWarnings: true,
      EndpointConfiguration: { Types: ['EDGE'] },
      Parameters: { endpointConfigurationTypes: 'EDGE' },
      Body: Match.objectLike({ openapi: '3.0.1', paths: { '/orders/{id}': { get: Match.anyValue() } } }),
    });
    t.resourceCountIs('AWS::ApiGateway::Method', 0);
    t.resourceCountIs('AWS::ApiGateway::Resource', 0);
    t.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    t.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
    t.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
    t.resourceCountIs('AWS::ApiGateway::Model', 0);
  });

  test('a route removed from the code is absent from the next definition, and the deployment changes', () => {
    // GIVEN the same API synthesized with routes A and B, then with A only
    const both = api();
    both.addRoute('GET', '/a', MOCK);
    both.addRoute('GET', '/b', MOCK);
    const onlyA = api();
    onlyA.addRoute('GET', '/a', MOCK);

    // THEN B is gone from the definition the deploy overwrites the API with, and stages move to a new deployment
    const before = templateOf(both);
    const after = templateOf(onlyA);
    expect(Object.keys(definitionOf(before).paths)).toEqual(['/a', '/b']);
    expect(Object.keys(definitionOf(after).paths)).toEqual(['/a']);
    expect(deploymentId(after)).not.toBe(deploymentId(before));
    for (const t of [before, after]) {
      t.resourceCountIs('AWS::ApiGateway::Method', 0);
      t.resourceCountIs('AWS::ApiGateway::Resource', 0);
      const [stage] = Object.values(t.findResources('AWS::ApiGateway::Stage'));
      expect(stage.Properties.DeploymentId).toEqual({ Ref: deploymentId(t) });
    }
  });

  test('the same routes give the same deployment id; any change to a route gives a new one', () => {
    const build = (change?: (a: EdgeApi) => void): string => {
      const a = api();
      a.addRoute('GET', '/a', MOCK, { summary: 'A' });
      change?.(a);
      return deploymentId(templateOf(a));
    };
    const one = build();
    expect(build()).toBe(one);
    const changed = [
      build((a) => a.addRoute('POST', '/a', MOCK)),
      build((a) => a.addRoute('GET', '/b', MOCK, { timeout: Duration.seconds(5) })),
      build((a) => a.addRoute('GET', '/b', MOCK, { authorization: ApiAuthorization.none() })),
    ];
    expect(new Set([one, ...changed]).size).toBe(4);
  });

  test('a renamed Lambda integration or authorizer function gives a new deployment', () => {
    const build = (integrationName: string, authorizerName: string): string => {
      const a = api();
      const stack = Stack.of(a);
      a.addRoute('GET', '/a', RouteIntegration.lambdaFunction(handler(stack, 'Fn', integrationName)), {
        authorization: ApiAuthorization.lambdaToken(handler(stack, 'Authorizer', authorizerName)),
      });
      return deploymentId(templateOf(a));
    };
    const one = build('orders', 'authorize');
    expect(build('orders', 'authorize')).toBe(one);
    expect(build('orders-v2', 'authorize')).not.toBe(one);
    expect(build('orders', 'authorize-v2')).not.toBe(one);
  });

  test('a Lambda route is a proxy integration through the function, with one permission per function', () => {
    const a = api();
    const stack = Stack.of(a);
    const fn = handler(stack);
    a.addRoute('GET', '/a', RouteIntegration.lambdaFunction(fn));
    a.addRoute('POST', '/a', RouteIntegration.lambdaFunction(fn));
    const t = templateOf(a);
    expect(integrationOf(t, 'GET', '/a')).toEqual({
      type: 'aws_proxy',
      httpMethod: 'POST',
      uri: {
        'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn}/invocations`,
      },
    });
    t.resourceCountIs('AWS::Lambda::Permission', 1);
  });

  test('a Lambda authorizer may be invoked by the API’s authorizers only', () => {
    const a = api();
    const stack = Stack.of(a);
    a.addRoute('GET', '/a', MOCK, {
      authorization: ApiAuthorization.lambdaToken(handler(stack, 'Authorizer')),
    });
    const t = templateOf(a);
    const [permission] = Object.values(t.findResources('AWS::Lambda::Permission'));
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/:execute-api:.*\/authorizers\/\*"/);
  });

  test('authorizers are security schemes: Cognito, Lambda token and Lambda request', () => {
    const a = api();
    const stack = Stack.of(a);
    const pool = new cognito.UserPool(stack, 'Pool');
    const fn = handler(stack, 'Authorizer');
    a.addRoute('GET', '/cognito', MOCK, {
      authorization: ApiAuthorization.cognito({ userPools: [pool], scopes: ['orders/read'] }),
    });
    a.addRoute('GET', '/token', MOCK, {
      authorization: ApiAuthorization.lambdaToken(fn, {
        identitySource: 'method.request.header.X-Token',
        validationRegex: '^Bearer .+$',
        resultsCacheTtl: Duration.seconds(60),
      }),
    });
    a.addRoute('GET', '/request', MOCK, {
      authorization: ApiAuthorization.lambdaRequest(fn, {
        identitySources: ['method.request.header.X-Key', 'method.request.querystring.tenant'],
      }),
    });
    const t = templateOf(a);
    const schemes = definitionOf(t).components.securitySchemes as Json;
    const schemeOf = (path: string): Json => schemes[Object.keys(operationOf(t, 'GET', path).security[0])[0]];
    expect(Object.values(operationOf(t, 'GET', '/cognito').security[0])).toEqual([['orders/read']]);
    expect(schemeOf('/cognito')).toEqual({
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      description: expect.any(String),
      'x-amazon-apigateway-authtype': 'cognito_user_pools',
      'x-amazon-apigateway-authorizer': {
        type: 'cognito_user_pools',
        providerARNs: [
          { 'Fn::GetAtt': [stack.getLogicalId(pool.node.defaultChild as cognito.CfnUserPool), 'Arn'] },
        ],
        identitySource: 'method.request.header.Authorization',
        authorizerResultTtlInSeconds: 300,
      },
    });
    expect(schemeOf('/token')).toMatchObject({
      name: 'X-Token',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'token',
        identitySource: 'method.request.header.X-Token',
        identityValidationExpression: '^Bearer .+$',
        authorizerResultTtlInSeconds: 60,
        authorizerUri: { 'Fn::Sub': expect.stringContaining('/invocations') },
      },
    });
    expect(schemeOf('/request')).toMatchObject({
      // API Gateway's convention for an identity of several request values.
      name: 'Unused',
      'x-amazon-apigateway-authorizer': {
        type: 'request',
        identitySource: 'method.request.header.X-Key, method.request.querystring.tenant',
      },
    });
  });

  test('an ANY route is the any-method operation; a greedy path keeps {proxy+} with a parameter named proxy', () => {
    const a = api();
    a.addRoute('ANY', '/files/{proxy+}', RouteIntegration.http('https://files.example.com/{proxy}'));
    const operation = operationOf(templateOf(a), 'ANY', '/files/{proxy+}');
    expect(operation.parameters).toEqual([
      { name: 'proxy', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(operation['x-amazon-apigateway-integration']).toMatchObject({
      type: 'http_proxy',
      httpMethod: 'ANY',
    });
  });

  test('the definition is a valid OpenAPI 3.0 document', async () => {
    const a = api({ cors: { allowOrigins: ['https://app.example.com'] } });
    const stack = Stack.of(a);
    const pool = new cognito.UserPool(stack, 'Pool');
    a.addRoute('GET', '/orders/{id}', RouteIntegration.lambdaFunction(handler(stack)), {
      requestParameters: { 'method.request.querystring.view': false, 'method.request.header.X-Trace': true },
      operationId: 'getOrder',
      summary: 'An order',
      tags: ['orders'],
    });
    a.addRoute('POST', '/orders', MOCK, {
      authorization: ApiAuthorization.cognito({ userPools: [pool], scopes: ['orders/write'] }),
      requestSchemas: {
        'application/json': {
          type: apigw.JsonSchemaType.OBJECT,
          required: ['item'],
          properties: { item: { type: apigw.JsonSchemaType.STRING, maxLength: 64 } },
        },
      },
    });
    a.addRoute('ANY', '/legacy/{proxy+}', RouteIntegration.http('https://legacy.example.com/{proxy}'));
    a.addRoute('GET', '/', MOCK, { authorization: ApiAuthorization.none() });
    expect(await openApiErrors(definitionOf(templateOf(a)), { apiGatewayPaths: true })).toEqual([]);
  });

  test('the validator used by these tests reports an invalid document (the check can fail)', async () => {
    const a = api();
    a.addRoute('GET', '/orders/{id}', MOCK);
    const definition = definitionOf(templateOf(a));
    delete definition.paths['/orders/{id}'].get.responses;
    definition.paths['/orders/{id}'].get.parameters = [];
    expect((await openApiErrors(definition)).length).toBeGreaterThan(0);
  });
});

describe('stage method settings', () => {
  function perMethodEntry(props: EdgeApiProps, cache?: { shared: true }): Json {
    const a = api(props);
    a.addRoute('GET', '/x', MOCK, { throttling: { rateLimit: 10, burstLimit: 5 }, cache });
    const [stage] = Object.values(templateOf(a).findResources('AWS::ApiGateway::Stage'));
    const settings = stage.Properties.MethodSettings as Json[];
    expect(settings).toHaveLength(2);
    return settings[1];
  }

  test('a per-method entry writes throttling and the logging level, and leaves out what is off by default', () => {
    expect(perMethodEntry({})).toEqual({
      HttpMethod: 'GET',
      ResourcePath: '/~1x',
      LoggingLevel: 'ERROR',
      ThrottlingRateLimit: 10,
      ThrottlingBurstLimit: 5,
    });
  });

  test('a per-method entry writes data trace when the stage turns it on, and no logging level when it is OFF', () => {
    expect(
      perMethodEntry({ executionLogging: { level: apigw.MethodLoggingLevel.INFO, dataTrace: true } }),
    ).toEqual(expect.objectContaining({ LoggingLevel: 'INFO', DataTraceEnabled: true }));
    expect(perMethodEntry({ executionLogging: { level: apigw.MethodLoggingLevel.OFF } })).not.toHaveProperty(
      'LoggingLevel',
    );
  });

  test('in a stage with a cache cluster, an entry says whether it caches, with TTL and encryption only if it does', () => {
    expect(perMethodEntry({ caching: {} })).toEqual({
      HttpMethod: 'GET',
      ResourcePath: '/~1x',
      LoggingLevel: 'ERROR',
      ThrottlingRateLimit: 10,
      ThrottlingBurstLimit: 5,
      CachingEnabled: false,
    });
    expect(perMethodEntry({ caching: {} }, { shared: true })).toEqual(
      expect.objectContaining({ CachingEnabled: true, CacheTtlInSeconds: 300, CacheDataEncrypted: true }),
    );
  });

  test('the stage-wide entry keeps every field', () => {
    const a = api({ caching: {} });
    a.addRoute('GET', '/x', MOCK);
    const [stage] = Object.values(templateOf(a).findResources('AWS::ApiGateway::Stage'));
    expect(stage.Properties.MethodSettings).toEqual([
      {
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: false,
        ThrottlingRateLimit: 1000,
        ThrottlingBurstLimit: 500,
        CachingEnabled: false,
        CacheDataEncrypted: true,
        CacheTtlInSeconds: 300,
      },
    ]);
  });

  test('only routes that differ from their stage get their own method settings', () => {
    const a = api({ throttling: { rateLimit: 100, burstLimit: 50 } });
    a.addRoute('GET', '/same', MOCK, { throttling: { rateLimit: 100, burstLimit: 50 } });
    a.addRoute('GET', '/plain', MOCK);
    a.addRoute('GET', '/slower', MOCK, { throttling: { rateLimit: 10, burstLimit: 5 } });
    const [stage] = Object.values(templateOf(a).findResources('AWS::ApiGateway::Stage'));
    expect(stage.Properties.MethodSettings.map((m: Json) => `${m.HttpMethod} ${m.ResourcePath}`)).toEqual([
      '* /*',
      'GET /~1slower',
    ]);
  });
});

describe('scale', () => {
  function resourceCount(routes: number): number {
    const a = api();
    const fn = handler(Stack.of(a));
    for (let i = 0; i < routes; i++) {
      a.addRoute('GET', `/r${i}/{id}`, RouteIntegration.lambdaFunction(fn));
    }
    return Object.keys(templateOf(a).toJSON().Resources).length;
  }

  test('a default EdgeApi with 10 routes and with 300 routes has the same number of resources', () => {
    expect(resourceCount(300)).toBe(resourceCount(10));
  });

  test('2,000 routes of a realistic mix fit in one stack: at most 500 resources and a template under 1 MB', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    // Beyond about 1,000 routes, the template fits in 1 MB only without indentation.
    const stack = new Stack(app, 'Large', { suppressTemplateIndentation: true });
    const functions = [0, 1, 2].map((i) => handler(stack, `Fn${i}`));
    const large = new EdgeApi(stack, 'Api', { caching: {} });
    const authorizations = [
      ApiAuthorization.lambdaToken(functions[0]),
      ApiAuthorization.lambdaRequest(functions[1], { identitySources: ['method.request.header.X-Key'] }),
    ];
    for (let i = 0; i < 2000; i++) {
      large.addRoute(
        i % 3 === 0 ? 'GET' : 'POST',
        `/svc${i % 50}/r${i}/{id}`,
        RouteIntegration.lambdaFunction(functions[i % 3]),
        {
          authorization: i % 10 === 0 ? authorizations[(i / 10) % 2] : undefined,
          cache: i % 30 === 0 ? { ttl: Duration.seconds(30) } : undefined,
        },
      );
    }
    const assembly = app.synth();
    const template = assembly.getStackByName('Large').template;
    expect(Object.keys(template.Resources).length).toBeLessThanOrEqual(500);
    expect(JSON.stringify(template).length).toBeLessThan(1_000_000);
    // The API's own resources do not grow: only the three functions (each with its role), their three
    // invoke permissions and the two authorizer permissions come on top of the 10-route API's
    // resources, which have one function, role and permission; and, for its cached stage, the
    // cache-control function, role, log group and custom resource.
    expect(Object.keys(template.Resources).length).toBe(resourceCount(10) - 3 + 3 * 2 + 3 + 2 + 4);
  });
});

describe('quotas and limits at synth', () => {
  test('warns, with a stable id, when the API has more resources than API Gateway’s default quota of 300', () => {
    const over = api();
    // 150 routes of two segments: 300 paths, plus the root.
    for (let i = 0; i < 150; i++) {
      over.addRoute('GET', `/r${i}/{id}`, MOCK);
    }
    Annotations.fromStack(Stack.of(over)).hasWarning(
      '/Stack/Api',
      Match.stringLikeRegexp(
        'The API has 301 resources .* default quota is 300 per API.*\\[ack: cdk-apigateway-presets:quota-resources\\]',
      ),
    );

    const at = api();
    for (let i = 0; i < 149; i++) {
      at.addRoute('GET', `/r${i}/{id}`, MOCK);
    }
    at.addRoute('GET', '/last', MOCK);
    Annotations.fromStack(Stack.of(at)).hasNoWarning('/Stack/Api', Match.stringLikeRegexp('resources'));
  });

  test('fails at synth when the definition alone is larger than a CloudFormation template may be (kept in the template)', () => {
    const a = api({ definitionLocation: DefinitionLocation.TEMPLATE });
    a.addRoute('GET', '/a', MOCK, { description: 'x'.repeat(1_000_001) });
    expect(() => templateOf(a)).toThrow(
      /Invalid template size of Stack: 10\d{5} bytes indented, as aws-cdk-lib writes it by default; a CloudFormation template is at most 1000000 bytes\. In bytes: the API definition of Stack\/Api\/Api 100\d{4}, .* Without indentation it would take 10\d{5} bytes\./,
    );
  });
});

describe('escape hatches', () => {
  test('a route’s operation can be changed where the options do not reach', () => {
    const a = api();
    const route = a.addRoute('GET', '/a', MOCK, { summary: 'A' });
    route.addOperationOverride('x-amazon-apigateway-integration.contentHandling', 'CONVERT_TO_TEXT');
    route.addOperationOverride('externalDocs.url', 'https://docs.example.com/a');
    route.addOperationDeletionOverride('summary');
    const operation = operationOf(templateOf(a), 'GET', '/a');
    expect(operation['x-amazon-apigateway-integration'].contentHandling).toBe('CONVERT_TO_TEXT');
    expect(operation.externalDocs).toEqual({ url: 'https://docs.example.com/a' });
    expect(operation.summary).toBeUndefined();
    // The override reaches the contract too, without the extension.
    expect(a.openApi().paths['/a'].get.externalDocs).toEqual({ url: 'https://docs.example.com/a' });
  });

  test('an override changes only its route, even where routes share an integration object', () => {
    const a = api();
    const integration = RouteIntegration.mock();
    a.addRoute('GET', '/a', integration).addOperationOverride(
      'x-amazon-apigateway-integration.passthroughBehavior',
      'when_no_match',
    );
    a.addRoute('GET', '/b', integration);
    expect(integrationOf(templateOf(a), 'GET', '/b').passthroughBehavior).toBe('never');
  });

  test('fails when an override would change a route’s security', () => {
    const route = api().addRoute('GET', '/a', MOCK);
    expectInvalid(
      () => route.addOperationOverride('security', []),
      'operation override of GET /a',
      '"security"',
      "The key 'security' cannot be overridden: a route's security comes from its authorization option; use ApiAuthorization.",
    );
  });

  test('fails when an override path has an empty key', () => {
    const route = api().addRoute('GET', '/a', MOCK);
    expectInvalid(
      () => route.addOperationOverride('x-amazon-apigateway-integration..type', 'mock'),
      'operation override of GET /a',
      '"x-amazon-apigateway-integration..type"',
      "Give keys separated by dots, e.g. 'x-amazon-apigateway-integration.contentHandling'.",
    );
  });

  test.each([
    [
      'a method added to restApi.root',
      (a: EdgeApi) => a.restApi.root.addResource('extra').addMethod('GET', new apigw.MockIntegration()),
    ],
    [
      'a gateway response added to restApi',
      (a: EdgeApi) => a.restApi.addGatewayResponse('Extra', { type: apigw.ResponseType.ACCESS_DENIED }),
    ],
    [
      'a request validator created elsewhere for the API',
      (a: EdgeApi) =>
        new apigw.RequestValidator(Stack.of(a), 'Validator', {
          restApi: a.restApi,
          validateRequestBody: true,
        }),
    ],
  ])('fails at synth when %s, which the definition would wipe on the next deploy', (_, add) => {
    const a = api();
    a.addRoute('GET', '/a', MOCK);
    add(a);
    expect(() => templateOf(a)).toThrow(
      /the preset's API is defined by one OpenAPI definition that replaces the whole API on every deploy, so this resource would be wiped\. Add routes with addRoute\(\)/,
    );
  });
});

describe('operationId', () => {
  test.each(['get order', '1order', 'x'.repeat(129)])('fails when the operation id is %s', (operationId) => {
    expectInvalid(
      () => api().addRoute('GET', '/a', MOCK, { operationId }),
      'operationId of GET /a',
      JSON.stringify(operationId),
      'An operation id is 1-128 letters, digits and underscores, not starting with a digit',
    );
  });

  test('fails when two routes have the same operation id', () => {
    const a = api();
    a.addRoute('GET', '/a', MOCK, { operationId: 'getA' });
    expectInvalid(
      () => a.addRoute('GET', '/b', MOCK, { operationId: 'getA' }),
      'operationId of GET /b',
      '"getA"',
      'Operation ids are unique in an API: another route has it.',
    );
    // The failed route left its id unused by nothing else: the first route keeps it.
    expect(operationsOf(templateOf(a)).map(({ route }) => route)).toEqual(['GET /a']);
  });
});

describe('template size', () => {
  function largeApi(suppressTemplateIndentation?: boolean): Stack {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Large', {
      suppressTemplateIndentation,
    });
    const large = new EdgeApi(stack, 'Api', { definitionLocation: DefinitionLocation.TEMPLATE });
    for (let i = 0; i < 1400; i++) {
      large.addRoute('GET', `/r${i}/{id}`, MOCK);
    }
    return stack;
  }

  test('fails at synth when the definition, indented as the template is written, passes 1 MB', () => {
    expect(() => Template.fromStack(largeApi())).toThrow(
      /Invalid template size of Large: \d+ bytes indented, as aws-cdk-lib writes it by default; .* Without indentation it takes \d+ bytes: set suppressTemplateIndentation: true on the stack/,
    );
  });

  test('accepts the same API in a stack that writes its template without indentation', () => {
    expect(() => Template.fromStack(largeApi(true))).not.toThrow();
  });

  test('only warns, with a stable id, when the stack’s indentation setting cannot be read', () => {
    const stack = largeApi();
    // As if aws-cdk-lib kept the setting elsewhere: it may be set, so the indented size is not an error.
    delete (stack as unknown as Record<string, unknown>)._suppressTemplateIndentation;
    Annotations.fromStack(stack).hasWarning(
      '/Large',
      Match.stringLikeRegexp(
        'The template of Large: \\d+ bytes indented.*Without indentation it takes \\d+ bytes: set suppressTemplateIndentation.*\\[ack: cdk-apigateway-presets:template-size\\]',
      ),
    );
  });
});

describe('binary media types', () => {
  test('are rendered in the definition and as the REST API property, each once', () => {
    const a = api({ binaryMediaTypes: ['image/png', 'application/octet-stream'] });
    a.addRoute('GET', '/a', MOCK);
    const t = templateOf(a);
    expect(definitionOf(t)['x-amazon-apigateway-binary-media-types']).toEqual([
      'image/png',
      'application/octet-stream',
    ]);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['image/png', 'application/octet-stream'],
    });
  });

  test('none by default', () => {
    const a = api();
    a.addRoute('GET', '/a', MOCK);
    const t = templateOf(a);
    expect(definitionOf(t)['x-amazon-apigateway-binary-media-types']).toBeUndefined();
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: Match.absent() });
  });

  test.each(['png', 'image/', 'image/png; charset=binary'])(
    'fails when a binary media type is %s',
    (type) => {
      expectInvalid(
        () => api({ binaryMediaTypes: [type] }),
        'binaryMediaTypes',
        JSON.stringify(type),
        "A media type is 'type/subtype', e.g. 'image/png', 'image/*' or '*/*'.",
      );
    },
  );
});
