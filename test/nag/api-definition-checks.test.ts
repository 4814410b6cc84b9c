import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
import { ApiAuthorization, ApiDefinitionChecks, EdgeApi, RouteIntegration } from '../../lib';
import { Json } from '../support/definition';

/** The pack's findings under `scope`, as `ruleId @ construct path`. */
function findings(scope: IConstruct): string[] {
  return new ApiDefinitionChecks()
    .validateScope(scope)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`))
    .sort();
}

const MOCK = {
  type: 'mock',
  requestTemplates: { 'application/json': '{"statusCode": 200}' },
  responses: { default: { statusCode: '200' } },
};

/** Security schemes of a hand-written definition: IAM, a Lambda token authorizer, an API key. */
const SCHEMES = {
  sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
  token: {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    'x-amazon-apigateway-authtype': 'custom',
    'x-amazon-apigateway-authorizer': {
      type: 'token',
      identitySource: 'method.request.header.Authorization',
      authorizerUri:
        'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations',
    },
  },
  api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
};

const VALIDATORS = {
  'x-amazon-apigateway-request-validators': {
    all: { validateRequestBody: true, validateRequestParameters: true },
    params: { validateRequestBody: false, validateRequestParameters: true },
  },
  'x-amazon-apigateway-request-validator': 'all',
};

/** A hand-written SpecRestApi with one cached stage, its definition given whole. */
function specApi(stack: Stack, paths: Json, extra: Json = {}, methodOptions: Json = {}): apigw.SpecRestApi {
  return new apigw.SpecRestApi(stack, 'Api', {
    apiDefinition: apigw.ApiDefinition.fromInline({
      openapi: '3.0.1',
      info: { title: 'hand-written', version: '1' },
      components: { securitySchemes: SCHEMES },
      ...VALIDATORS,
      ...extra,
      paths,
    }),
    deployOptions: { cacheClusterEnabled: true, methodOptions },
  });
}

describe('ApiDefinitionChecks on a hand-written SpecRestApi', () => {
  // GIVEN one operation for each weakness, and one that is sound
  const app = new App();
  const stack = new Stack(app, 'Weak');
  specApi(
    stack,
    {
      '/sound': {
        get: {
          security: [{ token: [] }],
          'x-amazon-apigateway-integration': {
            ...MOCK,
            cacheKeyParameters: ['method.request.header.Authorization'],
          },
        },
        post: { security: [{ sigv4: [] }], 'x-amazon-apigateway-integration': MOCK },
      },
      '/{proxy+}': { 'x-amazon-apigateway-any-method': { 'x-amazon-apigateway-integration': MOCK } },
      '/empty': { get: { security: [], 'x-amazon-apigateway-integration': MOCK } },
      '/optional': { get: { security: [{ token: [] }, {}], 'x-amazon-apigateway-integration': MOCK } },
      '/key-only': { get: { security: [{ api_key: [] }], 'x-amazon-apigateway-integration': MOCK } },
      '/health': {
        get: { 'x-amazon-apigateway-auth': { type: 'none' }, 'x-amazon-apigateway-integration': MOCK },
      },
      '/iam-extension': {
        get: { 'x-amazon-apigateway-auth': { type: 'AWS_IAM' }, 'x-amazon-apigateway-integration': MOCK },
      },
      '/unvalidated': {
        put: {
          security: [{ sigv4: [] }],
          'x-amazon-apigateway-request-validator': 'params',
          'x-amazon-apigateway-integration': MOCK,
        },
      },
      '/shared': { get: { security: [{ token: [] }], 'x-amazon-apigateway-integration': MOCK } },
      '/iam-cached': { get: { security: [{ sigv4: [] }], 'x-amazon-apigateway-integration': MOCK } },
      '/streamed': {
        get: {
          'x-amazon-apigateway-auth': { type: 'NONE' },
          'x-amazon-apigateway-integration': { ...MOCK, responseTransferMode: 'STREAM' },
        },
      },
      '/binary': {
        post: {
          security: [{ sigv4: [] }],
          'x-amazon-apigateway-integration': { ...MOCK, requestTemplates: { 'image/png': '{}' } },
        },
      },
    },
    { 'x-amazon-apigateway-binary-media-types': ['image/*'] },
    {
      '/sound/GET': { cachingEnabled: true },
      '/shared/GET': { cachingEnabled: true },
      '/iam-cached/GET': { cachingEnabled: true },
      '/streamed/GET': { cachingEnabled: true },
    },
  );
  app.synth();

  test('reports each weakened operation under its rule, and nothing else', () => {
    const api = 'Weak/Api/Resource';
    const stage = 'Weak/Api/DeploymentStage.prod/Resource';
    expect(findings(stack)).toEqual(
      [
        `ApiDefinition-NoAuthorization[ANY-/{proxy+}] @ ${api}`,
        `ApiDefinition-NoAuthorization[GET-/empty] @ ${api}`,
        `ApiDefinition-NoAuthorization[GET-/optional] @ ${api}`,
        `ApiDefinition-NoAuthorization[GET-/key-only] @ ${api}`,
        `ApiDefinition-DeclaredPublic[GET-/health] @ ${api}`,
        `ApiDefinition-DeclaredPublic[GET-/streamed] @ ${api}`,
        `ApiDefinition-BodyNotValidated[PUT-/unvalidated] @ ${api}`,
        `ApiDefinition-BinaryBodyMappedByTemplate[POST-/binary] @ ${api}`,
        `ApiDefinition-CacheSharedAcrossCallers[GET-/shared] @ ${stage}`,
        `ApiDefinition-CacheSharedAcrossCallers[GET-/iam-cached] @ ${stage}`,
        `ApiDefinition-StreamedOperationCached[GET-/streamed] @ ${stage}`,
      ].sort(),
    );
  });

  test("the README's rule table lists every rule the pack reports, and no other", () => {
    // GIVEN the rules this app and an API in S3 make the pack report (every rule of the pack)
    const inS3 = new App();
    new apigw.CfnRestApi(new Stack(inS3, 'InS3'), 'Api', { bodyS3Location: { bucket: 'b', key: 'k' } });
    inS3.synth();
    const reported = [...findings(stack), ...findings(inS3)].map((f) => f.split(/[[ ]/)[0]);

    // THEN the README's table of ApiDefinitionChecks lists exactly those
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `(ApiDefinition-\w+)` +\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...new Set(reported)].sort());
  });

  test('a finding acknowledged for its operation is not reported', () => {
    const ackApp = new App();
    const ackStack = new Stack(ackApp, 'Ack');
    const api = specApi(ackStack, {
      '/health': {
        get: { 'x-amazon-apigateway-auth': { type: 'NONE' }, 'x-amazon-apigateway-integration': MOCK },
      },
      '/other': {
        get: { 'x-amazon-apigateway-auth': { type: 'NONE' }, 'x-amazon-apigateway-integration': MOCK },
      },
    });
    Validations.of(api).acknowledge({
      id: 'ApiDefinition-DeclaredPublic[GET /health]',
      reason: 'Uptime checks call /health without credentials.',
    });
    ackApp.synth();
    expect(findings(ackStack)).toEqual(['ApiDefinition-DeclaredPublic[GET-/other] @ Ack/Api/Resource']);
  });
});

describe('ApiDefinitionChecks on a definition it cannot read', () => {
  test('reports a definition built with Fn::Join as unreadable, and nothing else', () => {
    const app = new App();
    const stack = new Stack(app, 'Joined');
    new apigw.CfnRestApi(stack, 'Api', {
      body: Fn.join('', [
        '{"openapi": "3.0.1", "paths": {"/": {"get": {}}}, "info": {"title": "',
        stack.region,
        '"}}',
      ]),
    });
    app.synth();
    expect(findings(stack)).toEqual(['ApiDefinition-DefinitionUnreadable @ Joined/Api']);
  });

  test('reports a definition in S3 as unreadable', () => {
    const app = new App();
    const stack = new Stack(app, 'InS3');
    new apigw.CfnRestApi(stack, 'Api', { bodyS3Location: { bucket: 'definitions', key: 'api.json' } });
    app.synth();
    expect(findings(stack)).toEqual(['ApiDefinition-DefinitionUnreadable @ InS3/Api']);
  });

  test('skips a path item made of tokens and reads the others', () => {
    const app = new App();
    const stack = new Stack(app, 'Mixed');
    new apigw.CfnRestApi(stack, 'Api', {
      body: {
        openapi: '3.0.1',
        paths: {
          '/open': { get: { 'x-amazon-apigateway-integration': MOCK } },
          '/imported': Fn.getAtt('Somewhere', 'PathItem'),
        },
      },
    });
    app.synth();
    expect(findings(stack)).toEqual(['ApiDefinition-NoAuthorization[GET-/open] @ Mixed/Api']);
  });

  test("leaves out a REST API of Method resources (cdk-nag's own rules check those)", () => {
    const app = new App();
    const stack = new Stack(app, 'Methods');
    new apigw.RestApi(stack, 'Api').root.addMethod('GET', new apigw.MockIntegration());
    app.synth();
    expect(findings(stack)).toEqual([]);
  });
});

describe('ApiDefinitionChecks on the presets', () => {
  test('a public route is declared public, a default route needs no acknowledgement', () => {
    // GIVEN an EdgeApi with a default (IAM) route and a public one
    const app = new App();
    const stack = new Stack(app, 'Preset');
    const api = new EdgeApi(stack, 'Api');
    api.addRoute('POST', '/orders', RouteIntegration.mock());
    api.addRoute('GET', '/health', RouteIntegration.mock(), { authorization: ApiAuthorization.none() });
    app.synth();

    // THEN only the public route is reported, as declared public
    expect(findings(stack)).toEqual(['ApiDefinition-DeclaredPublic[GET-/health] @ Preset/Api/Api/Resource']);
  });
});

describe('ApiDefinitionChecks on Swagger 2.0 and on defaults set for the whole definition', () => {
  test('reads securityDefinitions, the definition-wide security and validator, and body parameters', () => {
    // GIVEN a Swagger 2.0 definition whose security and validator are set once for every operation
    const app = new App();
    const stack = new Stack(app, 'Swagger');
    new apigw.CfnRestApi(stack, 'Api', {
      body: {
        swagger: '2.0',
        info: { title: 'swagger', version: '1' },
        securityDefinitions: { token: SCHEMES.token },
        security: [{ token: [] }],
        'x-amazon-apigateway-request-validators': { params: { validateRequestParameters: true } },
        'x-amazon-apigateway-request-validator': 'params',
        paths: {
          '/read': { get: { 'x-amazon-apigateway-integration': MOCK } },
          '/search': {
            get: { parameters: [{ in: 'body', name: 'q' }], 'x-amazon-apigateway-integration': MOCK },
          },
          '/open': { get: { security: [], 'x-amazon-apigateway-integration': MOCK } },
        },
      },
    });
    app.synth();

    // THEN the definition-wide requirement authorizes, an operation's empty list opens it, and a body
    // parameter needs a validator that checks bodies
    expect(findings(stack)).toEqual([
      'ApiDefinition-BodyNotValidated[GET-/search] @ Swagger/Api',
      'ApiDefinition-NoAuthorization[GET-/open] @ Swagger/Api',
    ]);
  });

  test('a stage-wide method setting caches every operation; a request authorizer must be keyed by every identity source', () => {
    // GIVEN a stage that caches everything, and operations keyed by some, all, or none of their identity sources
    const app = new App();
    const stack = new Stack(app, 'StageWide');
    const request = {
      type: 'apiKey',
      name: 'Unused',
      in: 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'request',
        identitySource: 'method.request.header.Authorization, method.request.querystring.tenant',
      },
    };
    const keyed = (keys: string[]) => ({
      security: [{ request: [] }],
      'x-amazon-apigateway-integration': { ...MOCK, cacheKeyParameters: keys },
    });
    specApi(
      stack,
      {
        '/all': { get: keyed(['method.request.header.Authorization', 'method.request.querystring.tenant']) },
        '/some': { get: keyed(['method.request.header.Authorization']) },
        '/public': {
          get: { 'x-amazon-apigateway-auth': { type: 'NONE' }, 'x-amazon-apigateway-integration': MOCK },
        },
      },
      { components: { securitySchemes: { ...SCHEMES, request } } },
      { '/*/*': { cachingEnabled: true } },
    );
    app.synth();

    // THEN only the operation keyed by part of its caller's identity is reported; a public cached
    // operation serves everyone the same response by design
    expect(findings(stack).filter((f) => f.includes('Cache'))).toEqual([
      'ApiDefinition-CacheSharedAcrossCallers[GET-/some] @ StageWide/Api/DeploymentStage.prod/Resource',
    ]);
  });

  test('a stage without a cache cluster caches nothing', () => {
    // GIVEN a stage whose method settings enable caching, without a cache cluster
    const app = new App();
    const stack = new Stack(app, 'NoCluster');
    const api = new apigw.CfnRestApi(stack, 'Api', {
      body: {
        openapi: '3.0.1',
        components: { securitySchemes: SCHEMES },
        paths: { '/iam': { get: { security: [{ sigv4: [] }], 'x-amazon-apigateway-integration': MOCK } } },
      },
    });
    const stage = new apigw.CfnStage(stack, 'Stage', {
      restApiId: api.ref,
      deploymentId: 'abc123',
      cacheClusterEnabled: false,
      methodSettings: [{ resourcePath: '/*', httpMethod: '*', cachingEnabled: true }],
    });
    app.synth();
    expect(findings(stack)).toEqual([]);

    // WHEN the cluster is on, THEN the IAM-authorized operation is reported
    stage.cacheClusterEnabled = true;
    expect(findings(stack)).toEqual(['ApiDefinition-CacheSharedAcrossCallers[GET-/iam] @ NoCluster/Stage']);
  });

  test('a method setting with a TTL of 0 caches nothing', () => {
    // GIVEN a stage with a cache cluster whose stage-wide setting enables caching with a TTL of 0
    // (what ComplianceProfile.REGULATED writes)
    const app = new App();
    const stack = new Stack(app, 'TtlZero');
    const api = new apigw.CfnRestApi(stack, 'Api', {
      body: {
        openapi: '3.0.1',
        components: { securitySchemes: SCHEMES },
        paths: { '/iam': { get: { security: [{ sigv4: [] }], 'x-amazon-apigateway-integration': MOCK } } },
      },
    });
    const stage = new apigw.CfnStage(stack, 'Stage', {
      restApiId: api.ref,
      deploymentId: 'abc123',
      cacheClusterEnabled: true,
      methodSettings: [{ resourcePath: '/*', httpMethod: '*', cachingEnabled: true, cacheTtlInSeconds: 0 }],
    });
    app.synth();
    expect(findings(stack)).toEqual([]);

    // WHEN the TTL is above 0, THEN the IAM-authorized operation is reported
    stage.methodSettings = [
      { resourcePath: '/*', httpMethod: '*', cachingEnabled: true, cacheTtlInSeconds: 1 },
    ];
    expect(findings(stack)).toEqual(['ApiDefinition-CacheSharedAcrossCallers[GET-/iam] @ TtlZero/Stage']);
  });
});
