import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiAuthorization, CacheSize, EdgeApi, RouteIntegration } from '../../lib';
import { UNESCAPED_OUTSIDE_VARIABLES } from '../../lib/observability/access-logs';
import { definitionOf, integrationOf, Json, operationOf, operationsOf } from '../support/definition';
import { urlOutputs } from '../support/outputs';

function handler(scope: Stack, id = 'Handler'): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_LATEST,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
}

function resourcesOfType(
  template: Template,
  type: string,
): Array<{ id: string; props: Record<string, unknown> }> {
  return Object.entries(template.findResources(type)).map(([id, r]) => ({ id, props: r.Properties ?? {} }));
}

/**
 * An access-log line as API Gateway writes it from `format`: `$context.error.messageString` is the
 * message as a quoted, escaped JSON string; every other variable is its value as is.
 */
function renderAccessLogLine(format: string, valueOf: (variable: string) => string): string {
  return format.replace(/\$context\.[A-Za-z.]+/g, (variable) =>
    variable === '$context.error.messageString'
      ? JSON.stringify(valueOf('$context.error.message'))
      : valueOf(variable),
  );
}

// One app for the default-posture assertions: synthesis is the slow part.
const app = new App();
const defaultStack = new Stack(app, 'Default');
const defaultApi = new EdgeApi(defaultStack, 'Api');
const fn = handler(defaultStack);
defaultApi.addRoute('GET', '/orders/{id}', RouteIntegration.lambdaFunction(fn));
defaultApi.addRoute('POST', '/orders', RouteIntegration.lambdaFunction(fn));
const template = Template.fromStack(defaultStack);

describe('EdgeApi defaults', () => {
  test('is an edge-optimized REST API that is not deployed by aws-cdk-lib and has no account resource', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['EDGE'] },
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.resourceCountIs('AWS::ApiGateway::Deployment', 1);
  });

  test('creates one stage named prod with tracing, JSON access logs and the deployment', () => {
    const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
    expect(stage.props.StageName).toBe('prod');
    expect(stage.props.TracingEnabled).toBe(true);
    const [deployment] = resourcesOfType(template, 'AWS::ApiGateway::Deployment');
    expect(stage.props.DeploymentId).toEqual({ Ref: deployment.id });
    const accessLog = stage.props.AccessLogSetting as { Format: string; DestinationArn: unknown };
    // Each field names the variable API Gateway writes there.
    const format = JSON.parse(renderAccessLogLine(accessLog.Format, (variable) => variable));
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      extendedRequestId: '$context.extendedRequestId',
      ip: '$context.identity.sourceIp',
      caller: '$context.identity.caller',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      wafError: '$context.waf.error',
      authorizerStatus: '$context.authorizer.status',
      integrationStatus: '$context.integrationStatus',
      errorMessage: '$context.error.message',
    });
    expect(accessLog.DestinationArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'],
    });
  });

  test('writes valid JSON when every value from outside holds quotes, backslashes and newlines', () => {
    const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
    const { Format } = stage.props.AccessLogSetting as { Format: string };
    const hostile = 'quote " backslash \\ newline \n tab \t end';
    // What a client, a backend or an authorizer function can put in a value, and what API Gateway makes of it.
    const fromOutside: Record<string, string> = {
      // Quoted and escaped by API Gateway.
      '$context.error.message': `Invalid request body: ${hostile}`,
      // The path as sent, percent-encoded: a URL holds no raw quote, backslash or newline.
      '$context.path': `/prod/orders/${encodeURIComponent(hostile)}`,
      // A client's request id that is not a UUID is replaced.
      '$context.requestId': 'UUID_REPLACED_INVALID_REQUEST_ID',
      // Written as they come: a client's user agent, a backend's or an authorizer function's error text.
      ...Object.fromEntries(UNESCAPED_OUTSIDE_VARIABLES.map((variable) => [variable, hostile])),
    };
    const line = renderAccessLogLine(
      Format,
      (variable) => fromOutside[variable] ?? variable.replace('$context.', 'value-of-'),
    );
    expect(JSON.parse(line)).toMatchObject({
      errorMessage: fromOutside['$context.error.message'],
      path: fromOutside['$context.path'],
      requestId: 'UUID_REPLACED_INVALID_REQUEST_ID',
    });
  });

  test('leaves out every variable API Gateway writes unescaped from outside', () => {
    const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
    const { Format } = stage.props.AccessLogSetting as { Format: string };
    const written: string[] = Format.match(/\$context\.[A-Za-z.]+/g) ?? [];
    expect(UNESCAPED_OUTSIDE_VARIABLES.filter((variable) => written.includes(variable))).toEqual([]);
    // Were one written, a quote in its value would break the line.
    const withUserAgent = `${Format.slice(0, -1)},"userAgent":"$context.identity.userAgent"}`;
    expect(() =>
      JSON.parse(renderAccessLogLine(withUserAgent, (v) => (v.endsWith('userAgent') ? 'curl "x"' : 'value'))),
    ).toThrow(SyntaxError);
  });

  test('sets explicit stage-wide throttling, ERROR execution logs and no data trace', () => {
    const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
    expect(stage.props.MethodSettings).toEqual([
      {
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: false,
        ThrottlingRateLimit: 1000,
        ThrottlingBurstLimit: 500,
        CachingEnabled: false,
      },
    ]);
    expect(stage.props.CacheClusterEnabled).toBe(false);
  });

  test('keeps the access-log group with one year of retention', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(defaultApi.accessLogGroup).toBeDefined();
  });

  test('retains old deployments so a stage can be rolled back', () => {
    template.hasResource('AWS::ApiGateway::Deployment', { DeletionPolicy: 'Retain' });
  });

  test('requires IAM authorization on every route', () => {
    const operations = operationsOf(template);
    expect(operations.map(({ route }) => route)).toEqual(['GET /orders/{id}', 'POST /orders']);
    for (const { operation } of operations) {
      expect(operation.security).toEqual([{ sigv4: [] }]);
    }
    expect(definitionOf(template).components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
  });

  test('validates request bodies and parameters on every route', () => {
    const definition = definitionOf(template);
    expect(definition['x-amazon-apigateway-request-validators']).toEqual({
      all: { validateRequestBody: true, validateRequestParameters: true },
    });
    // The API-wide default; no operation names another validator.
    expect(definition['x-amazon-apigateway-request-validator']).toBe('all');
    for (const { operation } of operationsOf(template)) {
      expect(operation['x-amazon-apigateway-request-validator']).toBeUndefined();
    }
  });

  test('associates a regional web ACL with the stage', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
    const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
    const [association] = resourcesOfType(template, 'AWS::WAFv2::WebACLAssociation');
    expect(JSON.stringify(association.props.ResourceArn)).toContain(stage.id);
    expect(defaultApi.webAcl).toBeDefined();
  });

  test('gives one Lambda permission per function per API, for any stage, method and path', () => {
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(1);
    expect(permissions[0].props).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      // Confused-deputy protection: only this account's API, not a same-named one elsewhere.
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect(JSON.stringify(permissions[0].props.SourceArn)).toContain('/*/*/*');
  });

  test('answers API Gateway errors with JSON bodies', () => {
    const responses = definitionOf(template)['x-amazon-apigateway-gateway-responses'];
    expect(Object.keys(responses)).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    for (const response of Object.values(responses) as Json[]) {
      expect(response.responseTemplates['application/json']).toBe(
        '{"message":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId"}',
      );
    }
  });

  test('makes sure the account CloudWatch role is set before the stage exists', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    const [setting] = Object.keys(template.findResources('Custom::ApiGatewayAccountCloudWatchRole'));
    expect(stage.DependsOn).toContain(setting);
  });

  test('exposes the stage URL', () => {
    expect(defaultApi.stages).toHaveLength(1);
    expect(defaultStack.resolve(defaultApi.stages[0].stageName)).toEqual({
      Ref: expect.stringMatching(/^ApiStageprod/),
    });
    expect(defaultApi.stage('prod')).toBe(defaultApi.stages[0]);
    expect(defaultStack.resolve(defaultApi.url)).toEqual(
      expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
    );
  });
});

describe('EdgeApi options', () => {
  // Each test synthesizes its own app: an app cannot change after synthesis.

  test('outputs the invoke URL of every stage, with ids derived from the stage names', () => {
    const stack = new Stack(new App(), 'Outputs');
    const api = new EdgeApi(stack, 'Api', { stages: [{ stageName: 'dev' }, { stageName: 'prod' }] });
    api.addRoute('GET', '/items', RouteIntegration.mock());
    const outputs = urlOutputs(Template.fromStack(stack));
    const ids = Object.keys(outputs);
    expect(ids).toEqual([
      expect.stringMatching(/^ApiUrldev[0-9A-F]{8}$/),
      expect.stringMatching(/^ApiUrlprod[0-9A-F]{8}$/),
    ]);
    for (const [id, stageName] of [
      [ids[0], 'dev'],
      [ids[1], 'prod'],
    ]) {
      const value = JSON.stringify(outputs[id].Value);
      expect(value).toContain('.execute-api.');
      expect(value).toContain(
        `Ref":"${stack.getLogicalId(api.stage(stageName).node.defaultChild as CfnElement)}"`,
      );
    }
  });

  test('outputs no URL with urlOutputs: false', () => {
    const stack = new Stack(new App(), 'NoOutputs');
    const api = new EdgeApi(stack, 'Api', { urlOutputs: false });
    api.addRoute('GET', '/items', RouteIntegration.mock());
    expect(urlOutputs(Template.fromStack(stack))).toEqual({});
  });

  test('applies stage overrides on top of API-wide defaults', () => {
    const stack = new Stack(new App(), 'Stages');
    const api = new EdgeApi(stack, 'Api', {
      throttling: { rateLimit: 100, burstLimit: 50 },
      tracing: false,
      stages: [
        {
          stageName: 'dev',
          throttling: { rateLimit: 5, burstLimit: 2 },
          variables: { backend: 'dev.example.com' },
        },
        { stageName: 'prod', caching: { size: CacheSize.GB_1_6, ttl: Duration.minutes(10) }, tracing: true },
      ],
    });
    api.addRoute('GET', '/items', RouteIntegration.mock());
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: false,
      CacheClusterEnabled: false,
      Variables: { backend: 'dev.example.com' },
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 })],
    });
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      CacheClusterEnabled: true,
      CacheClusterSize: '1.6',
      MethodSettings: [
        Match.objectLike({
          ThrottlingRateLimit: 100,
          CachingEnabled: false,
          CacheDataEncrypted: true,
          CacheTtlInSeconds: 600,
        }),
      ],
    });
    // Both stages serve the same deployment and each has its own web ACL association.
    t.resourceCountIs('AWS::ApiGateway::Deployment', 1);
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 2);
    t.resourceCountIs('AWS::WAFv2::WebACL', 1);
    Annotations.fromStack(stack).hasWarning(
      '/Stages/Api',
      Match.stringLikeRegexp('X-Ray tracing turned off'),
    );
  });

  test('a cache cluster defaults to 0.5 GB, encrypted, with a 300-second TTL', () => {
    const stack = new Stack(new App(), 'CacheDefaults');
    const api = new EdgeApi(stack, 'Api', { caching: {} });
    api.addRoute('GET', '/x', RouteIntegration.mock(), { cache: { shared: true } });
    const [stage] = resourcesOfType(Template.fromStack(stack), 'AWS::ApiGateway::Stage');
    expect(stage.props).toMatchObject({ CacheClusterEnabled: true, CacheClusterSize: '0.5' });
    expect(stage.props.MethodSettings).toEqual([
      expect.objectContaining({
        ResourcePath: '/*',
        CachingEnabled: false,
        CacheDataEncrypted: true,
        CacheTtlInSeconds: 300,
      }),
      expect.objectContaining({
        ResourcePath: '/~1x',
        CachingEnabled: true,
        CacheDataEncrypted: true,
        CacheTtlInSeconds: 300,
      }),
    ]);
  });

  test('caches an authorized route per caller, with its own per-method settings', () => {
    const stack = new Stack(new App(), 'Caching');
    const pool = new cognito.UserPool(stack, 'Pool');
    const api = new EdgeApi(stack, 'Api', {
      authorization: ApiAuthorization.cognito({ userPools: [pool], scopes: ['orders/read'] }),
      stages: [{ stageName: 'prod', caching: { ttl: Duration.minutes(5) } }, { stageName: 'dev' }],
    });
    api.addRoute('GET', '/orders/{id}', RouteIntegration.mock(), {
      cache: { ttl: Duration.seconds(60), keyParameters: ['method.request.querystring.view'] },
      requestParameters: { 'method.request.querystring.view': false },
      throttling: { rateLimit: 10, burstLimit: 5 },
    });
    api.addRoute('GET', '/catalog', RouteIntegration.mock(), { cache: { shared: true } });
    const t = Template.fromStack(stack);

    const order = operationOf(t, 'GET', '/orders/{id}');
    const [cognitoScheme] = Object.keys(definitionOf(t).components.securitySchemes);
    expect(order.security).toEqual([{ [cognitoScheme]: ['orders/read'] }]);
    expect(order.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'view', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'Authorization', in: 'header', required: false, schema: { type: 'string' } },
    ]);
    expect(order['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.path.id',
      'method.request.querystring.view',
      'method.request.header.Authorization',
    ]);
    // A route declared shared is keyed by its parameters only.
    expect(integrationOf(t, 'GET', '/catalog').cacheKeyParameters).toEqual([]);

    const prod = resourcesOfType(t, 'AWS::ApiGateway::Stage').find((s) => s.props.StageName === 'prod')!;
    expect(prod.props.MethodSettings).toEqual(
      expect.arrayContaining([
        {
          HttpMethod: 'GET',
          ResourcePath: '/~1orders~1{id}',
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 5,
          CachingEnabled: true,
          CacheDataEncrypted: true,
          CacheTtlInSeconds: 60,
        },
        expect.objectContaining({ ResourcePath: '/~1catalog', CachingEnabled: true, CacheTtlInSeconds: 300 }),
      ]),
    );
    // The dev stage has no cache cluster: the route keeps its throttling, and there is nothing to cache in.
    const dev = resourcesOfType(t, 'AWS::ApiGateway::Stage').find((s) => s.props.StageName === 'dev')!;
    expect(dev.props.MethodSettings).toEqual([
      expect.objectContaining({ ResourcePath: '/*', CachingEnabled: false }),
      {
        HttpMethod: 'GET',
        ResourcePath: '/~1orders~1{id}',
        LoggingLevel: 'ERROR',
        ThrottlingRateLimit: 10,
        ThrottlingBurstLimit: 5,
      },
    ]);
  });

  test('shares one authorizer between routes and lets a route override the API default', () => {
    const stack = new Stack(new App(), 'Auth');
    const authorizerFn = handler(stack, 'Authorizer');
    const token = ApiAuthorization.lambdaToken(authorizerFn);
    const api = new EdgeApi(stack, 'Api', { authorization: token });
    api.addRoute('GET', '/a', RouteIntegration.mock());
    api.addRoute('GET', '/b', RouteIntegration.mock(), {
      authorization: ApiAuthorization.lambdaToken(authorizerFn),
    });
    const health = api.addRoute('GET', '/health', RouteIntegration.mock(), {
      authorization: ApiAuthorization.none(),
    });
    api.addRoute('GET', '/admin', RouteIntegration.mock(), { authorization: ApiAuthorization.iam() });
    const t = Template.fromStack(stack);
    const schemes = definitionOf(t).components.securitySchemes;
    const [tokenScheme] = Object.keys(schemes).filter((name) => name !== 'sigv4');
    expect(Object.keys(schemes).sort()).toEqual([tokenScheme, 'sigv4'].sort());
    expect(schemes[tokenScheme]).toMatchObject({
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'token',
        identitySource: 'method.request.header.Authorization',
        authorizerResultTtlInSeconds: 300,
      },
    });
    expect(
      Object.fromEntries(operationsOf(t).map(({ route, operation }) => [route, operation.security])),
    ).toEqual({
      'GET /a': [{ [tokenScheme]: [] }],
      'GET /b': [{ [tokenScheme]: [] }],
      'GET /health': undefined,
      'GET /admin': [{ sigv4: [] }],
    });
    Annotations.fromStack(stack).hasWarning(
      `/${health.node.path}`,
      Match.stringLikeRegexp('GET /health accepts calls from anyone'),
    );
  });

  test('adds CORS preflight on route paths and CORS headers on gateway errors', () => {
    const stack = new Stack(new App(), 'Cors');
    const api = new EdgeApi(stack, 'Api', {
      cors: { allowOrigins: ['https://app.example.com'], allowCredentials: true },
    });
    api.addRoute('GET', '/orders/{id}', RouteIntegration.mock());
    api.addRoute('PUT', '/orders/{id}', RouteIntegration.mock());
    const t = Template.fromStack(stack);
    // One preflight per path with routes; none on the intermediate /orders, and no authorization.
    const options = operationsOf(t).filter(({ route }) => route.startsWith('OPTIONS '));
    expect(options.map(({ route }) => route)).toEqual(['OPTIONS /orders/{id}']);
    expect(options[0].operation.security).toBeUndefined();
    expect(options[0].operation['x-amazon-apigateway-integration'].type).toBe('mock');
    expect(definitionOf(t)['x-amazon-apigateway-gateway-responses'].DEFAULT_4XX.responseParameters).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
      'gatewayresponse.header.Access-Control-Allow-Credentials': "'true'",
      'gatewayresponse.header.Vary': "'Origin'",
    });
  });

  test('echoes the caller origin on gateway errors when several origins are allowed', () => {
    const stack = new Stack(new App(), 'CorsMany');
    const api = new EdgeApi(stack, 'Api', {
      cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'], allowCredentials: true },
    });
    api.addRoute('GET', '/x', RouteIntegration.mock());
    const responses = definitionOf(Template.fromStack(stack))['x-amazon-apigateway-gateway-responses'];
    expect(responses.DEFAULT_5XX.responseParameters).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
      'gatewayresponse.header.Vary': "'Origin'",
    });
  });

  test('maps URL variables of an HTTP integration and sets the route timeout', () => {
    const stack = new Stack(new App(), 'Http');
    const api = new EdgeApi(stack, 'Api');
    api.addRoute('ANY', '/legacy/{proxy+}', RouteIntegration.http('https://legacy.example.com/{proxy}'), {
      timeout: Duration.seconds(10),
    });
    const operation = operationOf(Template.fromStack(stack), 'ANY', '/legacy/{proxy+}');
    expect(operation.parameters).toEqual([
      { name: 'proxy', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(operation['x-amazon-apigateway-integration']).toEqual({
      type: 'http_proxy',
      httpMethod: 'ANY',
      uri: 'https://legacy.example.com/{proxy}',
      timeoutInMillis: 10000,
      requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
    });
  });

  test('warns when data trace or execution logging is turned off, and then manages no account role', () => {
    const stack = new Stack(new App(), 'Logging');
    const api = new EdgeApi(stack, 'Api', {
      executionLogging: { level: apigw.MethodLoggingLevel.OFF },
      stages: [
        { stageName: 'prod' },
        { stageName: 'debug', executionLogging: { level: apigw.MethodLoggingLevel.INFO, dataTrace: true } },
      ],
    });
    api.addRoute('GET', '/x', RouteIntegration.mock());
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning(
      '/Logging/Api',
      Match.stringLikeRegexp("Stage 'prod' has execution logging turned off"),
    );
    annotations.hasWarning(
      '/Logging/Api',
      Match.stringLikeRegexp("Stage 'debug' logs full request and response data"),
    );
    Template.fromStack(stack).resourceCountIs('Custom::ApiGatewayAccountCloudWatchRole', 1);

    // Access logs go to CloudWatch Logs too, so the account role is needed even with execution logging off.
    const silent = new Stack(new App(), 'Silent');
    new EdgeApi(silent, 'Api', { executionLogging: { level: apigw.MethodLoggingLevel.OFF } }).addRoute(
      'GET',
      '/x',
      RouteIntegration.mock(),
    );
    Template.fromStack(silent).resourceCountIs('Custom::ApiGatewayAccountCloudWatchRole', 1);

    const unmanaged = new Stack(new App(), 'Unmanaged');
    new EdgeApi(unmanaged, 'Api', { executionLogging: { manageAccountRole: false } }).addRoute(
      'GET',
      '/x',
      RouteIntegration.mock(),
    );
    Template.fromStack(unmanaged).resourceCountIs('Custom::ApiGatewayAccountCloudWatchRole', 0);
  });

  test('two presets in one stack do not collide', () => {
    const stack = new Stack(new App(), 'Two');
    const fnA = handler(stack);
    for (const id of ['First', 'Second']) {
      new EdgeApi(stack, id).addRoute('GET', '/x', RouteIntegration.lambdaFunction(fnA));
    }
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApiGateway::RestApi', 2);
    t.resourceCountIs('AWS::Lambda::Permission', 2);
    const names = resourcesOfType(t, 'AWS::ApiGateway::RestApi').map((r) => r.props.Name);
    expect(new Set(names).size).toBe(2);
  });
});

describe('deployments', () => {
  function deploymentId(build: (api: EdgeApi) => void): string {
    const stack = new Stack(new App(), 'S');
    const api = new EdgeApi(stack, 'Api');
    build(api);
    return Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'))[0];
  }

  test('a new deployment is created when the API changes, and only then', () => {
    const one = deploymentId((api) => api.addRoute('GET', '/a', RouteIntegration.mock()));
    const same = deploymentId((api) => api.addRoute('GET', '/a', RouteIntegration.mock()));
    const moreRoutes = deploymentId((api) => {
      api.addRoute('GET', '/a', RouteIntegration.mock());
      api.addRoute('GET', '/b', RouteIntegration.mock());
    });
    const otherIntegration = deploymentId((api) =>
      api.addRoute('GET', '/a', RouteIntegration.mock({ statusCode: 204 })),
    );
    const otherAuth = deploymentId((api) =>
      api.addRoute('GET', '/a', RouteIntegration.mock(), { authorization: ApiAuthorization.none() }),
    );
    expect(same).toBe(one);
    expect(new Set([one, moreRoutes, otherIntegration, otherAuth]).size).toBe(4);
  });
});

describe('edge cases', () => {
  test('an ANY route overrides only the methods it serves, never a sibling route with its own authorization', () => {
    const stack = new Stack(new App(), 'Any');
    const pool = new cognito.UserPool(stack, 'Pool');
    const api = new EdgeApi(stack, 'Api', {
      caching: {},
      cors: { allowOrigins: ['https://app.example.com'] },
    });
    api.addRoute('ANY', '/x', RouteIntegration.mock(), {
      authorization: ApiAuthorization.none(),
      cache: { allowNonReadMethod: true },
    });
    // Added after the ANY route: its entries must drop GET.
    api.addRoute('GET', '/x', RouteIntegration.mock(), {
      authorization: ApiAuthorization.cognito({ userPools: [pool] }),
    });
    const [stage] = resourcesOfType(Template.fromStack(stack), 'AWS::ApiGateway::Stage');
    const perPath = (
      stage.props.MethodSettings as Array<{ HttpMethod: string; ResourcePath: string }>
    ).filter((m) => m.ResourcePath === '/~1x');
    expect(perPath.map((m) => m.HttpMethod).sort()).toEqual(['DELETE', 'HEAD', 'PATCH', 'POST', 'PUT']);
  });

  test('method settings of the root route use the path /', () => {
    const stack = new Stack(new App(), 'Root');
    new EdgeApi(stack, 'Api').addRoute('GET', '/', RouteIntegration.mock(), {
      throttling: { rateLimit: 5, burstLimit: 5 },
    });
    const [stage] = resourcesOfType(Template.fromStack(stack), 'AWS::ApiGateway::Stage');
    expect(stage.props.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: 'GET', ResourcePath: '/', ThrottlingRateLimit: 5 }),
      ]),
    );
  });

  test('swapping the user pool behind an authorizer creates a new deployment', () => {
    const deploymentFor = (poolArn: string) => {
      const stack = new Stack(new App(), 'S');
      const pool = cognito.UserPool.fromUserPoolArn(stack, 'Pool', poolArn);
      const api = new EdgeApi(stack, 'Api', {
        authorization: ApiAuthorization.cognito({ userPools: [pool] }),
      });
      api.addRoute('GET', '/a', RouteIntegration.mock());
      return Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'))[0];
    };
    const arn = (id: string) => `arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_${id}`;
    expect(deploymentFor(arn('AAAA'))).not.toBe(deploymentFor(arn('BBBB')));
    expect(deploymentFor(arn('AAAA'))).toBe(deploymentFor(arn('AAAA')));
  });

  test("the RestApi escape hatch's url points at the first stage", () => {
    const stack = new Stack(new App(), 'Url');
    const api = new EdgeApi(stack, 'Api', { stages: [{ stageName: 'dev' }, { stageName: 'prod' }] });
    api.addRoute('GET', '/a', RouteIntegration.mock());
    expect(api.restApi.deploymentStage).toBe(api.stage('dev'));
    expect(JSON.stringify(stack.resolve(api.restApi.url))).toContain('ApiStagedev');
  });
});

describe('CORS on responses API Gateway builds itself', () => {
  function mockOperation(cors?: { allowOrigins: string[]; allowCredentials?: boolean }): Json {
    const stack = new Stack(new App(), 'MockCors');
    new EdgeApi(stack, 'Api', { cors }).addRoute(
      'GET',
      '/health',
      RouteIntegration.mock({ body: '{"ok":true}' }),
    );
    return operationOf(Template.fromStack(stack), 'GET', '/health');
  }

  test('a mock route answers with the CORS headers of a single origin', () => {
    const operation = mockOperation({ allowOrigins: ['https://app.example.com'], allowCredentials: true });
    const response = operation['x-amazon-apigateway-integration'].responses.default;
    expect(response.responseParameters).toEqual({
      'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'",
      'method.response.header.Vary': "'Origin'",
      'method.response.header.Access-Control-Allow-Credentials': "'true'",
    });
    // Every header a mapping sets is declared on the method response, or the import fails.
    expect(Object.keys(operation.responses['200'].headers)).toEqual([
      'Access-Control-Allow-Origin',
      'Vary',
      'Access-Control-Allow-Credentials',
    ]);
    expect(response.responseTemplates['application/json']).toBe('{"ok":true}');
  });

  test('with several origins, a mock route answers the listed origin the caller sent', () => {
    const operation = mockOperation({ allowOrigins: ['https://a.example.com', 'https://b.example.com'] });
    const template = operation['x-amazon-apigateway-integration'].responses.default.responseTemplates[
      'application/json'
    ] as string;
    expect(template).toContain('#if("$!given" == "https://b.example.com")');
    expect(template).toContain('#set($context.responseOverride.header.Access-Control-Allow-Origin = $given)');
    expect(template.endsWith('{"ok":true}')).toBe(true);
  });

  test('without cors, a mock route sets no CORS headers', () => {
    const operation = mockOperation();
    expect(operation['x-amazon-apigateway-integration'].responses.default.responseParameters).toBeUndefined();
    expect(operation.responses['200'].headers).toBeUndefined();
  });
});
