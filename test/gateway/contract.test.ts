import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ApiAuthorization, EdgeApi, EdgeApiProps, PrivateApi, RouteIntegration } from '../../lib';
import { Json, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { openApiErrors, resolved } from '../support/openapi';

const MOCK = RouteIntegration.mock();

function api(props?: EdgeApiProps): EdgeApi {
  return new EdgeApi(new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack'), 'Api', props);
}

/** An API with a route of every kind, as a client sees it. */
function orders(props?: EdgeApiProps): EdgeApi {
  const a = api({ apiName: 'orders', description: 'Orders of the shop', ...props });
  const stack = Stack.of(a);
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  const pool = new cognito.UserPool(stack, 'Pool');
  a.addRoute('GET', '/orders/{id}', RouteIntegration.lambdaFunction(fn), {
    operationId: 'getOrder',
    summary: 'Reads an order',
    tags: ['orders'],
    requestParameters: { 'method.request.querystring.view': false },
  });
  a.addRoute('POST', '/orders', RouteIntegration.lambdaFunction(fn), {
    authorization: ApiAuthorization.cognito({ userPools: [pool], scopes: ['orders/write'] }),
    requestSchemas: {
      'application/json': {
        type: apigw.JsonSchemaType.OBJECT,
        required: ['item'],
        properties: { item: { type: apigw.JsonSchemaType.STRING } },
      },
    },
  });
  a.addRoute('GET', '/legacy/{proxy+}', RouteIntegration.http('https://legacy.example.com/{proxy}'));
  a.addRoute('ANY', '/legacy/{proxy+}', RouteIntegration.http('https://legacy.example.com/{proxy}'), {
    operationId: 'legacy',
  });
  a.addRoute('GET', '/health', MOCK, { authorization: ApiAuthorization.none() });
  return a;
}

/** A state machine of one Pass state, at stack/Machine. */
function passMachine(stack: Stack, stateMachineType: sfn.StateMachineType): sfn.StateMachine {
  return new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
    stateMachineType,
  });
}

function keysDeep(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((v) => keysDeep(v, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      found.push(key);
      keysDeep(child, found);
    }
  }
  return found;
}

describe('openApi(): the contract', () => {
  const contract = orders({ cors: { allowOrigins: ['https://app.example.com'] } }).openApi() as Json;

  test('is a valid OpenAPI 3.0 document, with OpenAPI path templating throughout', async () => {
    expect(await openApiErrors(contract)).toEqual([]);
  });

  test('has no API Gateway extension and no deploy-time value', () => {
    expect(keysDeep(contract).filter((k) => k.startsWith('x-amazon-apigateway'))).toEqual([]);
    const text = JSON.stringify(contract);
    expect(text).not.toMatch(/\$\{Token\[|Fn::|"Ref"/);
  });

  test('names the API and lists paths, methods, parameters, bodies and security', () => {
    expect(contract.info).toEqual({ title: 'orders', version: '1', description: 'Orders of the shop' });
    expect(contract.paths['/orders/{id}'].get).toEqual({
      operationId: 'getOrder',
      summary: 'Reads an order',
      tags: ['orders'],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'view', in: 'query', required: false, schema: { type: 'string' } },
      ],
      responses: { '200': { description: 'Backend response' } },
      security: [{ sigv4: [] }],
    });
    const post = contract.paths['/orders'].post;
    const [cognitoScheme] = Object.keys(post.security[0]);
    expect(post.security).toEqual([{ [cognitoScheme]: ['orders/write'] }]);
    expect(contract.components.securitySchemes[cognitoScheme]).toEqual({
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      description: expect.stringContaining('Amazon Cognito'),
    });
    const schemaRef = post.requestBody.content['application/json'].schema.$ref as string;
    expect(contract.components.schemas[schemaRef.replace('#/components/schemas/', '')]).toEqual({
      type: 'object',
      required: ['item'],
      properties: { item: { type: 'string' } },
    });
    // A public route says it needs no credentials.
    expect(contract.paths['/health'].get.security).toEqual([]);
  });

  test('lists an ANY route under each method it serves, and a greedy variable as {proxy}', () => {
    expect(contract.paths['/legacy/{proxy+}']).toBeUndefined();
    const legacy = contract.paths['/legacy/{proxy}'];
    // GET has its own route; OPTIONS is the CORS preflight, which is not part of the contract.
    expect(Object.keys(legacy).sort()).toEqual(['delete', 'get', 'head', 'patch', 'post', 'put']);
    expect(legacy.post.operationId).toBe('legacyPost');
    // A route without an operation id gets one from its method and path.
    expect(legacy.get.operationId).toBe('getLegacyByProxy');
    // OpenAPI has no greedy variable: the parameter says the value may hold '/'.
    expect(legacy.get.parameters[0].description).toContain("'/' included");
  });

  test('leaves CORS preflights out', () => {
    expect(Object.values(contract.paths as Json).filter((item: Json) => item.options)).toEqual([]);
  });

  test('fails when a documented value is known only at deploy time', () => {
    const a = api();
    a.addRoute('GET', '/a', MOCK, { description: new CfnParameter(Stack.of(a), 'Text').valueAsString });
    expectInvalid(
      () => a.openApi(),
      'OpenAPI contract',
      '"a value known only at deploy time"',
      'The contract is what clients are built from',
    );
  });
});

describe('openApi(): names a generator turns into classes and methods', () => {
  const contract = orders().openApi() as Json;

  test("every operation has an id and a summary: the route's, or from its method and path", () => {
    expect(contract.paths['/health'].get).toMatchObject({ operationId: 'getHealth', summary: 'GET /health' });
    expect(contract.paths['/orders'].post).toMatchObject({
      operationId: 'postOrders',
      summary: 'POST /orders',
    });
    expect(contract.paths['/orders/{id}'].get).toMatchObject({
      operationId: 'getOrder',
      summary: 'Reads an order',
    });
  });

  test('a derived operation id never takes one a route chose', () => {
    const a = api();
    a.addRoute('GET', '/a', MOCK, { operationId: 'getB' });
    a.addRoute('GET', '/b', MOCK);
    const ids = a.openApi().paths;
    expect([ids['/a'].get.operationId, ids['/b'].get.operationId]).toEqual(['getB', 'getB2']);
  });

  test('names a body schema after its operation, and a security scheme after the user pool', () => {
    const post = contract.paths['/orders'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PostOrdersBody',
    });
    expect(Object.keys(contract.components.schemas).sort()).toEqual(['PostOrdersBody']);
    expect(post.security).toEqual([{ CognitoPool: ['orders/write'] }]);
    expect(Object.keys(contract.components.securitySchemes).sort()).toEqual(['CognitoPool', 'sigv4']);
  });

  test('names Lambda authorizers after their functions, each scheme once', () => {
    const a = api();
    const stack = Stack.of(a);
    const handler = (scope: Construct): lambda.Function =>
      new lambda.Function(scope, 'Check', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      });
    const first = handler(new Construct(stack, 'One'));
    const second = handler(new Construct(stack, 'Two'));
    a.addRoute('GET', '/a', MOCK, { authorization: ApiAuthorization.lambdaToken(first) });
    a.addRoute('GET', '/b', MOCK, { authorization: ApiAuthorization.lambdaToken(second) });
    a.addRoute('GET', '/c', MOCK, {
      authorization: ApiAuthorization.lambdaRequest(first, {
        identitySources: ['method.request.header.X-Key'],
      }),
    });
    const contract = a.openApi() as Json;
    expect(Object.keys(contract.components.securitySchemes)).toEqual([
      'TokenCheck',
      'TokenCheck2',
      'RequestCheck',
    ]);
    expect(['/a', '/b', '/c'].map((p) => Object.keys(contract.paths[p].get.security[0])[0])).toEqual([
      'TokenCheck',
      'TokenCheck2',
      'RequestCheck',
    ]);
  });

  test('names stay the same from one synth to the next', () => {
    expect(orders().openApi()).toEqual(contract);
  });

  test('the definition keeps its own model and authorizer names', () => {
    const a = orders();
    a.openApi();
    const template = Template.fromStack(Stack.of(a));
    const ref = operationOf(template, 'POST', '/orders').requestBody.content['application/json'].schema.$ref;
    expect(ref).toMatch(/^#\/components\/schemas\/Model[0-9a-f]{12}$/);
  });

  test('the title is the apiName, else the construct id', () => {
    expect(contract.info.title).toBe('orders');
    expect(api().openApi().info.title).toBe('Api');
  });

  test('every error body refers to the one shared Error schema', () => {
    const a = api();
    a.addRoute('POST', '/orders', RouteIntegration.sqs(new sqs.Queue(Stack.of(a), 'Queue')));
    const withErrors = a.openApi() as Json;
    const responses = withErrors.paths['/orders'].post.responses as Json;
    const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400);
    expect(errors.length).toBeGreaterThan(1);
    for (const [, response] of errors) {
      expect(response.content).toEqual({
        'application/json': { schema: { $ref: '#/components/schemas/Error' } },
      });
    }
    expect(withErrors.components.schemas.Error.required).toEqual(['message', 'type', 'requestId']);
  });
});

describe('openApi(): servers', () => {
  test('the default endpoint, with the API id, Region and stages as variables', () => {
    const a = api({ stages: [{ stageName: 'dev' }, { stageName: 'prod' }] });
    a.addRoute('GET', '/a', MOCK);
    expect(a.openApi().servers).toEqual([
      {
        url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: expect.any(String),
        variables: {
          restApiId: { default: 'restApiId', description: expect.any(String) },
          region: { default: 'us-east-1', description: expect.any(String) },
          stage: { default: 'dev', enum: ['dev', 'prod'] },
        },
      },
    ]);
  });

  test('the custom domain, with its base path, when its name is known at synth', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack', {
      env: { region: 'eu-west-1' },
    });
    const certificate = acm.Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555',
    );
    const a = new EdgeApi(stack, 'Api', {
      customDomain: { domainName: 'api.example.com', certificate, basePath: 'v1' },
    });
    a.addRoute('GET', '/a', MOCK);
    expect(a.openApi().servers).toEqual([
      { url: 'https://api.example.com/v1', description: 'The custom domain' },
    ]);
  });

  test("a private API without private DNS: its VPC endpoint's own name, with the endpoint's id", () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const withoutDns = new PrivateApi(stack, 'Api', { vpc });
    withoutDns.addRoute('GET', '/a', MOCK);
    const [server] = withoutDns.openApi().servers;
    expect(server.url).toBe('https://{restApiId}-{vpceId}.execute-api.{region}.amazonaws.com/{stage}');
    expect(Object.keys(server.variables)).toEqual(['restApiId', 'vpceId', 'region', 'stage']);
    const withDns = new PrivateApi(stack, 'Dns', { vpc, privateDnsEnabled: true });
    withDns.addRoute('GET', '/a', MOCK);
    expect(withDns.openApi().servers[0].url).toBe(
      'https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}',
    );
  });

  test('the URLs given in openApiServers', () => {
    const a = api({ openApiServers: ['https://api.example.com/v1', '/v1'] });
    a.addRoute('GET', '/a', MOCK);
    expect(a.openApi().servers).toEqual([{ url: 'https://api.example.com/v1' }, { url: '/v1' }]);
  });

  test.each([
    'http://api.example.com',
    'api.example.com',
    'https://api.example.com/v1/',
    'https://a.example.com?x=1',
  ])('fails when a URL of openApiServers is not an https URL or path without a trailing slash: %s', (url) => {
    expectInvalid(
      () => api({ openApiServers: [url] }),
      'openApiServers',
      JSON.stringify(url),
      "A base URL known at synth, https:// or a path starting with '/'",
    );
  });
});

describe('openApi(): the bodies of service integrations', () => {
  const a = api();
  const stack = Stack.of(a);
  a.addRoute('POST', '/orders', RouteIntegration.sqs(new sqs.Queue(stack, 'Queue')));
  const machine = passMachine(stack, sfn.StateMachineType.STANDARD);
  a.addRoute('POST', '/checkout', RouteIntegration.stepFunctions(machine));
  const bucket = new s3.Bucket(stack, 'Files');
  // Narrower than the default '*/*', which would make the JSON bodies of the other routes binary.
  const binaryMediaTypes = ['image/*', 'application/pdf'];
  a.addRoute('GET', '/files/{key+}', RouteIntegration.s3(bucket, { binaryMediaTypes }));
  a.addRoute('GET', '/files', RouteIntegration.s3(bucket, { listObjects: true, binaryMediaTypes }));
  const contract = a.openApi() as Json;
  const error = resolved(
    contract,
    contract.paths['/orders'].post.responses['503'].content['application/json'].schema,
  )!;

  test('is a valid OpenAPI 3.0 document', async () => {
    expect(await openApiErrors(contract)).toEqual([]);
  });

  test('gives each JSON body its schema: the known successes, and every error', () => {
    const bodies = (path: string, method: string): Json =>
      Object.fromEntries(
        Object.entries(contract.paths[path][method].responses as Json).map(([status, response]) => [
          status,
          Object.keys(resolved(contract, response.content?.['application/json']?.schema)?.properties ?? {}),
        ]),
      );
    expect(bodies('/orders', 'post')).toEqual({
      '200': ['messageId'],
      '400': ['message', 'type', 'requestId'],
      '500': ['message', 'type', 'requestId'],
      '502': ['message', 'type', 'requestId'],
      '503': ['message', 'type', 'requestId'],
    });
    expect(bodies('/checkout', 'post')['202']).toEqual(['executionArn', 'startDate']);
    expect(bodies('/files', 'get')['200']).toEqual(['objects', 'prefixes', 'cursor']);
    // An object is whatever was stored; 206 and 304 are the object's part and nothing.
    expect(bodies('/files/{key}', 'get')).toEqual({
      '200': [],
      '206': [],
      '304': [],
      '400': ['message', 'type', 'requestId'],
      '404': ['message', 'type', 'requestId'],
      '412': ['message', 'type', 'requestId'],
      '416': ['message', 'type', 'requestId'],
      '502': ['message', 'type', 'requestId'],
      '503': ['message', 'type', 'requestId'],
    });
    expect(error.required).toEqual(['message', 'type', 'requestId']);
  });

  test('the API definition carries no response bodies, so API Gateway imports no model for them', () => {
    const template = Template.fromStack(stack);
    for (const [method, path] of [
      ['POST', '/orders'],
      ['POST', '/checkout'],
      ['GET', '/files/{key+}'],
      ['GET', '/files'],
    ]) {
      const responses = Object.values(operationOf(template, method, path).responses as Json);
      expect(responses.filter((r: Json) => r.content !== undefined)).toEqual([]);
    }
  });
});

describe('responseSchema: the success body of a route, in the contract', () => {
  const ORDER: apigw.JsonSchema = {
    type: apigw.JsonSchemaType.OBJECT,
    required: ['id'],
    properties: { id: { type: apigw.JsonSchemaType.STRING }, total: { type: apigw.JsonSchemaType.NUMBER } },
  };
  const RENDERED = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string' }, total: { type: 'number' } },
  };

  test('documents the 2XX body of a proxy, a mock and an AWS service route, in the contract only', async () => {
    const a = api();
    const stack = Stack.of(a);
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
    });
    a.addRoute('GET', '/orders/{id}', RouteIntegration.lambdaFunction(fn), { responseSchema: ORDER });
    a.addRoute('POST', '/drafts', RouteIntegration.mock({ statusCode: 201 }), { responseSchema: ORDER });
    const machine = passMachine(stack, sfn.StateMachineType.EXPRESS);
    a.addRoute('POST', '/quote', RouteIntegration.stepFunctions(machine), { responseSchema: ORDER });
    const contract = a.openApi() as Json;
    const body = (path: string, method: string, status: string): Json | undefined =>
      resolved(contract, contract.paths[path][method].responses[status].content?.['application/json'].schema);
    expect(body('/orders/{id}', 'get', '200')).toEqual(RENDERED);
    expect(body('/drafts', 'post', '201')).toEqual(RENDERED);
    expect(body('/quote', 'post', '200')).toEqual(RENDERED);
    // The workflow's errors keep the library's error body.
    expect(body('/quote', 'post', '504')?.required).toEqual(['message', 'type', 'requestId']);
    expect(await openApiErrors(contract)).toEqual([]);
    const template = Template.fromStack(stack);
    expect(JSON.stringify(operationOf(template, 'GET', '/orders/{id}').responses)).not.toContain('content');
  });

  test('fails when the schema has a keyword API Gateway models cannot take', () => {
    expectInvalid(
      () =>
        api().addRoute('GET', '/a', MOCK, {
          responseSchema: { type: apigw.JsonSchemaType.STRING, default: 'x' },
        }),
      'responseSchema of GET /a.default',
      '"x"',
      'API Gateway does not support the default keyword in models',
    );
  });

  test.each([410, 204])(
    'fails when the route has no 2XX response with a body: a mock answering %d',
    (statusCode) => {
      expectInvalid(
        () =>
          api().addRoute('GET', '/gone', RouteIntegration.mock({ statusCode }), { responseSchema: ORDER }),
        'responseSchema of GET /gone',
        '"a schema"',
        'The route has no 2XX response with a body to describe',
      );
    },
  );

  test('fails, leaving no role behind, when the integration writes its own success body', () => {
    const a = api();
    const stack = Stack.of(a);
    const queue = new sqs.Queue(stack, 'Queue');
    expectInvalid(
      () => a.addRoute('POST', '/orders', RouteIntegration.sqs(queue), { responseSchema: ORDER }),
      'responseSchema of POST /orders',
      '"a schema"',
      'The integration writes the success body (the message id) itself',
    );
    const machine = passMachine(stack, sfn.StateMachineType.STANDARD);
    expectInvalid(
      () =>
        a.addRoute('POST', '/checkout', RouteIntegration.stepFunctions(machine), { responseSchema: ORDER }),
      'responseSchema of POST /checkout',
      '"a schema"',
      "The integration writes the success body (the execution's ARN and start date) itself",
    );
    const bucket = new s3.Bucket(stack, 'Files');
    expectInvalid(
      () =>
        a.addRoute('GET', '/files', RouteIntegration.s3(bucket, { listObjects: true }), {
          responseSchema: ORDER,
        }),
      'responseSchema of GET /files',
      '"a schema"',
      'The integration writes the success body (the listing) itself',
    );
    a.addRoute('GET', '/ping', MOCK);
    const roles = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(roles.filter((id) => /IntegrationRoles|S3Access/.test(id))).toEqual([]);
    expect(roles.length).toBeGreaterThan(0); // the account's CloudWatch role: the filter sees roles
  });
});

describe('openApiFile', () => {
  test('writes the contract to the file when the app synthesizes, after every route is in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-'));
    const file = path.join(dir, 'nested', 'orders.json');
    const a = orders({ openApiFile: file });
    // A route added after the constructor is in the file too.
    a.addRoute('DELETE', '/orders/{id}', MOCK);
    expect(fs.existsSync(file)).toBe(false);
    (Stack.of(a).node.root as App).synth();
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(a.openApi())));
    expect(Object.keys(written.paths['/orders/{id}'])).toEqual(['get', 'delete']);
    fs.rmSync(dir, { recursive: true });
  });
});
