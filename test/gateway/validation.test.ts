import { App, CfnParameter, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import {
  ApiAuthorization,
  EdgeApi,
  EdgeApiProps,
  RouteIntegration,
  RouteOptions,
  StageOptions,
} from '../../lib';
import { definitionOf, integrationOf, operationOf, operationsOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';

const MOCK = RouteIntegration.mock();
const CACHED: EdgeApiProps = { caching: {} };

/** An EdgeApi at the path Stack/Api. */
function api(props?: EdgeApiProps): EdgeApi {
  return new EdgeApi(new Stack(new App(), 'Stack'), 'Api', props);
}

/** An EdgeApi with one route, so it synthesizes. */
function apiWithRoute(method: string, path: string, options?: RouteOptions, props?: EdgeApiProps): EdgeApi {
  const a = api(props);
  a.addRoute(method, path, MOCK, options);
  return a;
}

function stages(...names: string[]): StageOptions[] {
  return names.map((stageName) => ({ stageName }));
}

function fn(scope: IConstruct, id = 'Authorizer'): lambda.IFunction {
  return new lambda.Function(Stack.of(scope), id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
}

function pool(scope: EdgeApi): cognito.IUserPool {
  return new cognito.UserPool(Stack.of(scope), 'Pool');
}

function numberParameter(scope: EdgeApi, id: string): number {
  return new CfnParameter(Stack.of(scope), id, { type: 'Number' }).valueAsNumber;
}

function methodTemplate(a: EdgeApi): Template {
  return Template.fromStack(Stack.of(a));
}

describe('stages', () => {
  test('fails when there are no stages', () => {
    expectInvalid(() => api({ stages: [] }), 'stages', '"0 stages"', 'An API has 1 to 10 stages');
  });

  test('fails when there are 11 stages', () => {
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
    expectInvalid(
      () => api({ stages: stages(...names) }),
      'stages',
      '"11 stages"',
      'An API has 1 to 10 stages',
    );
  });

  test('accepts 10 stages', () => {
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    expect(api({ stages: stages(...names) }).stages).toHaveLength(10);
  });

  test.each([
    ['a space', 'my stage'],
    ['129 characters', 'a'.repeat(129)],
    ['an empty name', ''],
    ['a dot', 'v1.0'],
  ])('fails when a stage name has %s', (_, name) => {
    expectInvalid(
      () => api({ stages: stages('prod', name) }),
      'stages[1].stageName',
      JSON.stringify(name),
      'Stage names are 1-128 characters of letters, digits, hyphens and underscores.',
    );
  });

  test('accepts a stage name of 128 letters, digits, hyphens and underscores', () => {
    const name = `Ab0_-${'x'.repeat(123)}`;
    const a = api({ stages: stages('dev', name) });
    expect(a.stage(name)).toBe(a.stages[1]);
  });

  test('fails when a stage name is a token, which could not name its constructs', () => {
    const stack = new Stack(new App(), 'Stack');
    const name = new CfnParameter(stack, 'StageName').valueAsString;
    expectInvalid(
      () => new EdgeApi(stack, 'Api', { stages: stages(name) }),
      'stages[0].stageName',
      JSON.stringify(name),
      'A stage name must be known at synth',
    );
  });

  test('fails when two stages have the same name', () => {
    expectInvalid(
      () => api({ stages: stages('dev', 'prod', 'dev') }),
      'stages[2].stageName',
      '"dev"',
      'Stage names must be unique.',
    );
  });

  test('fails when a stage variable name has a character other than letters, digits and underscores', () => {
    expectInvalid(
      () => api({ stages: [{ stageName: 'prod', variables: { 'backend-url': 'x' } }] }),
      'stages[0].variables.backend-url',
      '"backend-url"',
      'Stage variable names are 1-64 letters, digits and underscores.',
    );
  });

  test('fails when a stage variable name is longer than 64 characters', () => {
    const name = 'v'.repeat(65);
    expectInvalid(
      () => api({ stages: [{ stageName: 'prod', variables: { [name]: 'x' } }] }),
      `stages[0].variables.${name}`,
      JSON.stringify(name),
      'Stage variable names are 1-64 letters, digits and underscores.',
    );
  });

  test.each([
    ['a space', 'a b'],
    ['a character outside the allowed set', 'value;drop'],
    ['no characters', ''],
    ['513 characters', 'v'.repeat(513)],
  ])('fails when a stage variable value has %s', (_, value) => {
    expectInvalid(
      () => api({ stages: [{ stageName: 'prod', variables: { backend: value } }] }),
      'stages[0].variables.backend',
      JSON.stringify(value),
      'Stage variable values are 1-512 characters from A-Z a-z 0-9 and - . _ ~ : / ? # & = ,',
    );
  });

  test('accepts stage variable values of 512 allowed characters, and tokens', () => {
    const stack = new Stack(new App(), 'Stack');
    const variables = {
      url: 'https://b.example.com/p?q=1&r=2#f,~_.-',
      long: 'v'.repeat(512),
      fromParameter: new CfnParameter(stack, 'Backend').valueAsString,
    };
    expect(() => new EdgeApi(stack, 'Api', { stages: [{ stageName: 'prod', variables }] })).not.toThrow();
  });

  test('fails when a stage has more than 100 variables', () => {
    const variables = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, 'x']));
    expectInvalid(
      () => api({ stages: [{ stageName: 'prod', variables }] }),
      'stages[0].variables',
      '"101 variables"',
      'A stage holds at most 100 variables.',
    );
  });

  test('accepts 100 stage variables', () => {
    const variables = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, 'x']));
    expect(() => api({ stages: [{ stageName: 'prod', variables }] })).not.toThrow();
  });

  test('fails when asked for a stage the API does not have', () => {
    expectInvalid(
      () => api({ stages: stages('dev', 'prod') }).stage('missing'),
      'stageName',
      '"missing"',
      'This API has the stages dev, prod.',
    );
  });
});

describe('throttling', () => {
  test('fails when the API-wide rate limit is negative', () => {
    expectInvalid(
      () => api({ throttling: { rateLimit: -1, burstLimit: 10 } }),
      'throttling.rateLimit',
      '-1',
      'The rate limit is a number of requests per second, 0 or more.',
    );
  });

  test.each([NaN, Infinity])('fails when the rate limit is %s', (rateLimit) => {
    expectInvalid(
      () => api({ throttling: { rateLimit, burstLimit: 10 } }),
      'throttling.rateLimit',
      String(rateLimit),
      'The rate limit is a number of requests per second, 0 or more.',
    );
  });

  test("fails when a stage's burst limit is not a whole number", () => {
    expectInvalid(
      () => api({ stages: [{ stageName: 'prod', throttling: { rateLimit: 10, burstLimit: 1.5 } }] }),
      'stages[0].throttling.burstLimit',
      '1.5',
      'The burst limit is a whole number of requests, 0 or more.',
    );
  });

  test.each([-1, NaN])('fails when the burst limit is %s', (burstLimit) => {
    expectInvalid(
      () => api({ throttling: { rateLimit: 10, burstLimit } }),
      'throttling.burstLimit',
      String(burstLimit),
      'The burst limit is a whole number of requests, 0 or more.',
    );
  });

  test("fails when a route's throttling is negative", () => {
    expectInvalid(
      () => api().addRoute('GET', '/orders', MOCK, { throttling: { rateLimit: 5, burstLimit: -2 } }),
      'throttling of GET /orders.burstLimit',
      '-2',
      'The burst limit is a whole number of requests, 0 or more.',
    );
  });

  test('accepts zero, fractional rates and tokens', () => {
    const a = api({ throttling: { rateLimit: 0.5, burstLimit: 0 } });
    const rateLimit = numberParameter(a, 'Rate');
    const burstLimit = Lazy.number({ produce: () => 5 });
    expect(() => a.addRoute('GET', '/orders', MOCK, { throttling: { rateLimit, burstLimit } })).not.toThrow();
  });
});

describe('caching', () => {
  test('fails when the API-wide cache TTL is over 3600 seconds', () => {
    expectInvalid(
      () => api({ caching: { ttl: Duration.seconds(3601) } }),
      'caching.ttl',
      '"1 hour 1 second"',
      'Cache TTL is a whole number of seconds from 0 to 3600 (1 hour).',
    );
  });

  test("fails when a stage's cache TTL is over 3600 seconds", () => {
    expectInvalid(
      () => api({ stages: [{ stageName: 'prod', caching: { ttl: Duration.hours(2) } }] }),
      'stages[0].caching.ttl',
      '"2 hours"',
      'Cache TTL is a whole number of seconds from 0 to 3600 (1 hour).',
    );
  });

  test('fails when the cache TTL is not a whole number of seconds', () => {
    expectInvalid(
      () => api({ caching: { ttl: Duration.millis(1500) } }),
      'caching.ttl',
      '"1 second 500 millis"',
      'Cache TTL is a whole number of seconds from 0 to 3600 (1 hour).',
    );
  });

  test('accepts cache TTLs of 0 and 3600 seconds, and a token', () => {
    const a = api({
      stages: [
        { stageName: 'zero', caching: { ttl: Duration.seconds(0) } },
        { stageName: 'hour', caching: { ttl: Duration.hours(1) } },
      ],
    });
    const ttl = Duration.seconds(numberParameter(a, 'Ttl'));
    expect(() => a.addRoute('GET', '/orders', MOCK, { cache: { ttl, shared: true } })).not.toThrow();
  });

  test("fails when a route's cache TTL is over 3600 seconds", () => {
    expectInvalid(
      () => api(CACHED).addRoute('GET', '/orders', MOCK, { cache: { ttl: Duration.hours(2), shared: true } }),
      'cache of GET /orders.ttl',
      '"2 hours"',
      'Cache TTL is a whole number of seconds from 0 to 3600 (1 hour).',
    );
  });

  test('fails when a POST route is cached without allowNonReadMethod', () => {
    expectInvalid(
      () => api(CACHED).addRoute('POST', '/search', MOCK, { cache: { shared: true } }),
      'cache of POST /search',
      '"POST"',
      'Only GET and HEAD routes are cached unless the route sets cache.allowNonReadMethod: true.',
    );
  });

  test('accepts a cached POST route with allowNonReadMethod, and cached HEAD routes', () => {
    const a = api(CACHED);
    expect(() => {
      a.addRoute('POST', '/search', MOCK, { cache: { shared: true, allowNonReadMethod: true } });
      a.addRoute('HEAD', '/search', MOCK, { cache: { shared: true } });
    }).not.toThrow();
  });

  test('fails when a route is cached but no stage has a cache cluster', () => {
    expectInvalid(
      () => api().addRoute('GET', '/orders', MOCK, { cache: { shared: true } }),
      'cache of GET /orders',
      '"stages prod without a cache cluster"',
      'No stage has a cache cluster; set `caching` on the API or on a stage.',
    );
  });

  test('accepts a cached route when only one stage has a cache cluster', () => {
    const a = api({ stages: [{ stageName: 'dev' }, { stageName: 'prod', caching: {} }] });
    expect(() => a.addRoute('GET', '/orders', MOCK, { cache: { shared: true } })).not.toThrow();
  });

  test.each(['querystring.page', 'method.request.body.id', 'method.request.querystring.', 'Accept'])(
    'fails when a cache key parameter is malformed: %s',
    (parameter) => {
      expectInvalid(
        () =>
          api(CACHED).addRoute('GET', '/orders', MOCK, {
            cache: { shared: true, keyParameters: [parameter] },
          }),
        'cache of GET /orders.keyParameters',
        JSON.stringify(parameter),
        "A cache key is a method request parameter such as 'method.request.querystring.page'",
      );
    },
  );

  test('fails when a cache key names a path variable the route does not have', () => {
    const keyParameters = ['method.request.path.id'];
    expectInvalid(
      () =>
        api(CACHED).addRoute('GET', '/orders/{orderId}', MOCK, { cache: { shared: true, keyParameters } }),
      'cache of GET /orders/{orderId}.keyParameters',
      '"method.request.path.id"',
      "The route's path variables are {orderId}.",
    );
  });

  test('fails when a cache key names a path variable on a route without any', () => {
    const keyParameters = ['method.request.path.id'];
    expectInvalid(
      () => api(CACHED).addRoute('GET', '/orders', MOCK, { cache: { shared: true, keyParameters } }),
      'cache of GET /orders.keyParameters',
      '"method.request.path.id"',
      "The route's path variables are none.",
    );
  });

  test('fails when a cache key is a query-string or header parameter the route does not declare', () => {
    const keyParameters = ['method.request.querystring.page'];
    expectInvalid(
      () => api(CACHED).addRoute('GET', '/orders', MOCK, { cache: { shared: true, keyParameters } }),
      'cache of GET /orders.keyParameters',
      '"method.request.querystring.page"',
      "A cache key must be a parameter of the route: declare it in requestParameters, e.g. { 'method.request.querystring.page': false }.",
    );
  });

  test('accepts a cache key the route declares in requestParameters', () => {
    const a = apiWithRoute(
      'GET',
      '/orders',
      {
        requestParameters: { 'method.request.querystring.page': false },
        cache: { shared: true, keyParameters: ['method.request.querystring.page'] },
      },
      CACHED,
    );
    expect(integrationOf(methodTemplate(a), 'GET', '/orders').cacheKeyParameters).toEqual([
      'method.request.querystring.page',
    ]);
  });

  test('fails when an IAM-authorized route is cached without shared: true', () => {
    expectInvalid(
      () => api(CACHED).addRoute('GET', '/orders', MOCK, { cache: {} }),
      'cache of GET /orders',
      '"IAM authorization"',
      "API Gateway cannot key a cache by IAM caller, so one caller could receive another caller's response. Set cache.shared: true",
    );
  });

  test('accepts an IAM-authorized cached route with shared: true, keyed by its path variable only', () => {
    const a = apiWithRoute('GET', '/orders/{id}', { cache: { shared: true } }, CACHED);
    const operation = operationOf(methodTemplate(a), 'GET', '/orders/{id}');
    expect(operation.security).toEqual([{ sigv4: [] }]);
    expect(operation['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.path.id',
    ]);
  });

  test('fails when a cached route is authorized by a request authorizer with only context identity sources', () => {
    const a = api(CACHED);
    const authorization = ApiAuthorization.lambdaRequest(fn(a), {
      identitySources: ['context.sourceIp', 'stageVariables.tenant'],
    });
    expectInvalid(
      () => a.addRoute('GET', '/orders', MOCK, { authorization, cache: {} }),
      'cache of GET /orders',
      '["context.sourceIp","stageVariables.tenant"]',
      'The authorizer has no header or query-string identity source to key the cache by caller.',
    );
  });

  test.each([
    ['Cognito', (a: EdgeApi) => ApiAuthorization.cognito({ userPools: [pool(a)] })],
    ['Lambda token', (a: EdgeApi) => ApiAuthorization.lambdaToken(fn(a))],
  ])('keys a %s-authorized cached route by the Authorization header and the path variable', (_, auth) => {
    const a = api(CACHED);
    a.addRoute('GET', '/orders/{id}', MOCK, { authorization: auth(a), cache: {} });
    expect(integrationOf(methodTemplate(a), 'GET', '/orders/{id}').cacheKeyParameters).toEqual([
      'method.request.path.id',
      'method.request.header.Authorization',
    ]);
  });

  test('keys a request-authorized cached route by its header and query-string identity sources only', () => {
    const a = api(CACHED);
    const authorization = ApiAuthorization.lambdaRequest(fn(a), {
      identitySources: ['method.request.querystring.key', 'context.sourceIp'],
    });
    a.addRoute('GET', '/orders', MOCK, { authorization, cache: {} });
    expect(integrationOf(methodTemplate(a), 'GET', '/orders').cacheKeyParameters).toEqual([
      'method.request.querystring.key',
    ]);
  });

  test('leaves the caller out of the cache key of a shared Cognito-authorized route', () => {
    const a = api(CACHED);
    const authorization = ApiAuthorization.cognito({ userPools: [pool(a)] });
    a.addRoute('GET', '/orders/{id}', MOCK, { authorization, cache: { shared: true } });
    expect(integrationOf(methodTemplate(a), 'GET', '/orders/{id}').cacheKeyParameters).toEqual([
      'method.request.path.id',
    ]);
  });
});

describe('authorization', () => {
  test('fails when a Cognito authorization has no user pools', () => {
    expectInvalid(
      () => apiWithRoute('GET', '/orders', { authorization: ApiAuthorization.cognito({ userPools: [] }) }),
      'authorization.userPools',
      '[]',
      'Give at least one user pool.',
    );
  });

  test.each(['(', '[a-z', '*Bearer', 'Bearer (x'])(
    "fails when a token authorizer's validationRegex %j does not compile",
    (validationRegex) => {
      const stack = new Stack(new App(), 'Stack');
      const authorization = ApiAuthorization.lambdaToken(fn(stack), { validationRegex });
      expectInvalid(
        () => new EdgeApi(stack, 'Api', { authorization }),
        'authorization.validationRegex',
        JSON.stringify(validationRegex),
        'The token validation expression must be a valid regular expression',
      );
    },
  );

  test("fails when a route's token authorizer has a validationRegex that does not compile", () => {
    const a = api();
    expectInvalid(
      () =>
        a.addRoute('GET', '/orders', MOCK, {
          authorization: ApiAuthorization.lambdaToken(fn(a), { validationRegex: '^Bearer (.+$' }),
        }),
      'authorization.validationRegex',
      '"^Bearer (.+$"',
      'The token validation expression must be a valid regular expression',
    );
  });

  test.each(['^Bearer [-0-9A-Za-z._~+/]+=*$', '(?i)^bearer .++$', '^(?>Bearer) \\S{10,}+$', ''])(
    'accepts the validationRegex %j, Java-only forms included',
    (validationRegex) => {
      const stack = new Stack(new App(), 'Stack');
      const authorization = ApiAuthorization.lambdaToken(fn(stack), { validationRegex });
      expect(() => new EdgeApi(stack, 'Api', { authorization })).not.toThrow();
    },
  );

  test('accepts a validationRegex given as a token', () => {
    const stack = new Stack(new App(), 'Stack');
    const validationRegex = new CfnParameter(stack, 'Regex').valueAsString;
    const authorization = ApiAuthorization.lambdaToken(fn(stack), { validationRegex });
    expect(() => new EdgeApi(stack, 'Api', { authorization })).not.toThrow();
  });

  test("fails in the constructor when the API's Cognito authorization has no user pools, before any route", () => {
    expectInvalid(
      () => api({ authorization: ApiAuthorization.cognito({ userPools: [] }) }),
      'authorization.userPools',
      '[]',
      'Give at least one user pool.',
    );
  });

  test("fails in the constructor when the API's authorizer caches results for 2 hours, before any route", () => {
    const stack = new Stack(new App(), 'Stack');
    const handler = fn(stack);
    const authorization = ApiAuthorization.lambdaToken(handler, { resultsCacheTtl: Duration.hours(2) });
    expectInvalid(
      () => new EdgeApi(stack, 'Api', { authorization }),
      'authorization.resultsCacheTtl',
      '"2 hours"',
      'Authorizer results are cached for a whole number of seconds from 0 to 3600.',
    );
  });

  test("fails in the constructor when the API's request authorizer has a bad identity source", () => {
    const stack = new Stack(new App(), 'Stack');
    const handler = fn(stack);
    const authorization = ApiAuthorization.lambdaRequest(handler, {
      identitySources: ['header.Authorization'],
    });
    expectInvalid(
      () => new EdgeApi(stack, 'Api', { authorization }),
      'authorization.identitySources',
      '"header.Authorization"',
      "Identity sources are 'method.request.header.NAME'",
    );
  });

  test("fails when an authorizer's results cache TTL is over 3600 seconds", () => {
    const a = api();
    const authorization = ApiAuthorization.lambdaToken(fn(a), { resultsCacheTtl: Duration.seconds(3601) });
    expectInvalid(
      () => a.addRoute('GET', '/orders', MOCK, { authorization }),
      'authorization.resultsCacheTtl',
      '"1 hour 1 second"',
      'Authorizer results are cached for a whole number of seconds from 0 to 3600.',
    );
  });

  test("fails when an authorizer's results cache TTL is not a whole number of seconds", () => {
    const a = api();
    const authorization = ApiAuthorization.lambdaToken(fn(a), { resultsCacheTtl: Duration.millis(1500) });
    expectInvalid(
      () => a.addRoute('GET', '/orders', MOCK, { authorization }),
      'authorization.resultsCacheTtl',
      '"1 second 500 millis"',
      'Authorizer results are cached for a whole number of seconds from 0 to 3600.',
    );
  });

  test('accepts authorizer TTLs of 0 and 3600 seconds, and a token', () => {
    const a = api();
    const handler = fn(a);
    const ttls = [Duration.seconds(0), Duration.hours(1), Duration.seconds(numberParameter(a, 'Ttl'))];
    expect(() =>
      ttls.forEach((resultsCacheTtl, i) =>
        a.addRoute('GET', `/r${i}`, MOCK, {
          authorization: ApiAuthorization.lambdaToken(handler, { resultsCacheTtl }),
        }),
      ),
    ).not.toThrow();
  });

  test('fails when a request authorizer has no identity sources', () => {
    const a = api();
    const authorization = ApiAuthorization.lambdaRequest(fn(a), { identitySources: [] });
    expectInvalid(
      () => a.addRoute('GET', '/orders', MOCK, { authorization }),
      'authorization.identitySources',
      '[]',
      "Give at least one identity source, e.g. 'method.request.header.Authorization'.",
    );
  });

  test.each(['header.Authorization', 'method.request.path.id', 'method.request.header.', 'context.'])(
    'fails when a request authorizer has the identity source %s',
    (source) => {
      const a = api();
      const authorization = ApiAuthorization.lambdaRequest(fn(a), {
        identitySources: ['method.request.header.Authorization', source],
      });
      expectInvalid(
        () => a.addRoute('GET', '/orders', MOCK, { authorization }),
        'authorization.identitySources',
        JSON.stringify(source),
        "Identity sources are 'method.request.header.NAME', 'method.request.querystring.NAME', 'context.NAME' or 'stageVariables.NAME'.",
      );
    },
  );

  test('accepts header, query-string, context, stage-variable and token identity sources', () => {
    const a = api();
    const identitySources = [
      'method.request.header.X-Api-Key',
      'method.request.querystring.key',
      'context.sourceIp',
      'stageVariables.tenant',
      new CfnParameter(Stack.of(a), 'Source').valueAsString,
    ];
    const authorization = ApiAuthorization.lambdaRequest(fn(a), { identitySources });
    expect(() => a.addRoute('GET', '/orders', MOCK, { authorization })).not.toThrow();
  });

  test.each([
    [
      'Lambda token',
      (a: EdgeApi, identitySource: string) => ApiAuthorization.lambdaToken(fn(a), { identitySource }),
    ],
    [
      'Cognito',
      (a: EdgeApi, identitySource: string) =>
        ApiAuthorization.cognito({ userPools: [pool(a)], identitySource }),
    ],
  ])('fails when a %s identity source is not a request header', (_, auth) => {
    const a = api();
    expectInvalid(
      () =>
        a.addRoute('GET', '/orders', MOCK, { authorization: auth(a, 'method.request.querystring.token') }),
      'authorization.identitySource',
      '"method.request.querystring.token"',
      "The token comes from one request header, given as 'method.request.header.NAME'.",
    );
  });

  test('accepts a token from another header', () => {
    const a = api();
    const authorization = ApiAuthorization.lambdaToken(fn(a), {
      identitySource: 'method.request.header.X-Token',
    });
    expect(() => a.addRoute('GET', '/orders', MOCK, { authorization })).not.toThrow();
  });

  test('fails when routes need more than 10 distinct authorizers', () => {
    const a = api();
    const handler = fn(a);
    for (let i = 1; i <= 10; i++) {
      const authorization = ApiAuthorization.lambdaToken(handler, { resultsCacheTtl: Duration.seconds(i) });
      a.addRoute('GET', `/r${i}`, MOCK, { authorization });
    }
    const authorization = ApiAuthorization.lambdaToken(handler, { resultsCacheTtl: Duration.seconds(11) });
    expectInvalid(
      () => a.addRoute('GET', '/r11', MOCK, { authorization }),
      'authorization',
      '"11 authorizers"',
      'An API has at most 10 authorizers; reuse one ApiAuthorization for routes that share a configuration.',
    );
  });

  test('creates one authorizer for routes that share one configuration', () => {
    const a = api();
    const handler = fn(a);
    const shared = ApiAuthorization.lambdaToken(handler);
    a.addRoute('GET', '/a', MOCK, { authorization: shared });
    a.addRoute('POST', '/a', MOCK, { authorization: shared });
    a.addRoute('GET', '/b', MOCK, { authorization: ApiAuthorization.lambdaToken(handler) });
    const template = methodTemplate(a);
    const schemes = Object.keys(definitionOf(template).components.securitySchemes);
    expect(schemes).toEqual([expect.stringMatching(/^Authorizer[0-9A-F]{8}$/)]);
    const requirements = operationsOf(template).map(({ operation }) => operation.security);
    expect(requirements).toEqual([[{ [schemes[0]]: [] }], [{ [schemes[0]]: [] }], [{ [schemes[0]]: [] }]]);
  });
});

describe('integrations', () => {
  test.each([
    [Duration.millis(49), '"49 millis"'],
    [Duration.seconds(30), '"30 seconds"'],
    [Duration.millis(49.5), '"49.5 millis"'],
  ])('fails when the integration timeout of an edge API is %s', (timeout, value) => {
    expectInvalid(
      () => api().addRoute('GET', '/orders', MOCK, { timeout }),
      'timeout of GET /orders',
      value,
      'An edge-optimized API allows integration timeouts of whole milliseconds from 50 ms to 29 seconds; this limit cannot be raised for that endpoint type.',
    );
  });

  test('accepts timeouts of 50 ms and 29 seconds, and a token', () => {
    const a = api();
    expect(() => {
      a.addRoute('GET', '/a', MOCK, { timeout: Duration.millis(50) });
      a.addRoute('GET', '/b', MOCK, { timeout: Duration.seconds(29) });
      a.addRoute('GET', '/c', MOCK, { timeout: Duration.millis(numberParameter(a, 'Timeout')) });
    }).not.toThrow();
  });

  test.each(['ftp://legacy.example.com', 'legacy.example.com/orders', 'https://legacy example.com'])(
    'fails when an HTTP integration URL is %s',
    (url) => {
      expectInvalid(
        () => api().addRoute('GET', '/orders', RouteIntegration.http(url)),
        'integration.url of GET /orders',
        JSON.stringify(url),
        'An HTTP integration URL starts with https:// or http://.',
      );
    },
  );

  test('fails when an HTTP integration URL uses a variable the route path does not have', () => {
    expectInvalid(
      () =>
        api().addRoute('GET', '/orders/{orderId}', RouteIntegration.http('https://legacy.example.com/{id}')),
      'integration.url of GET /orders/{orderId}',
      '"https://legacy.example.com/{id}"',
      'The URL uses {id}, which is not a path variable of the route ({orderId}).',
    );
  });

  test("accepts an HTTP integration URL that uses the route's greedy variable", () => {
    const a = apiWithRoute('GET', '/legacy/{proxy+}', {});
    a.addRoute('POST', '/legacy/{proxy+}', RouteIntegration.http('http://legacy.example.com/{proxy}'));
    expect(integrationOf(methodTemplate(a), 'POST', '/legacy/{proxy+}')).toMatchObject({
      uri: 'http://legacy.example.com/{proxy}',
      requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
    });
  });

  test.each(['FOO', 'CONNECT', 'TRACE', ''])(
    'fails when an HTTP integration httpMethod is %j',
    (httpMethod) => {
      expectInvalid(
        () =>
          api().addRoute(
            'GET',
            '/orders',
            RouteIntegration.http('https://legacy.example.com/', { httpMethod }),
          ),
        'integration.httpMethod of GET /orders',
        JSON.stringify(httpMethod),
        "API Gateway calls an HTTP backend with one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, ANY (ANY: the caller's method).",
      );
    },
  );

  test('accepts an HTTP integration httpMethod in any case, rendered upper-case, and a token as given', () => {
    const a = api();
    a.addRoute(
      'GET',
      '/orders',
      RouteIntegration.http('https://legacy.example.com/', { httpMethod: 'post' }),
    );
    a.addRoute('ANY', '/legacy', RouteIntegration.http('https://legacy.example.com/', { httpMethod: 'ANY' }));
    const method = new CfnParameter(a, 'BackendMethod').valueAsString;
    a.addRoute('GET', '/other', RouteIntegration.http('https://legacy.example.com/', { httpMethod: method }));
    const template = methodTemplate(a);
    expect(integrationOf(template, 'GET', '/orders')).toMatchObject({ httpMethod: 'POST' });
    expect(integrationOf(template, 'ANY', '/legacy')).toMatchObject({ httpMethod: 'ANY' });
    expect(integrationOf(template, 'GET', '/other')).toMatchObject({
      httpMethod: { Ref: expect.stringMatching(/^ApiBackendMethod/) },
    });
  });

  test.each([99, 600, 200.5, NaN])('fails when a mock status code is %s', (statusCode) => {
    expectInvalid(
      () => api().addRoute('GET', '/health', RouteIntegration.mock({ statusCode })),
      'integration.statusCode of GET /health',
      String(statusCode),
      'Use an HTTP status code from 100 to 599.',
    );
  });

  test('accepts mock status codes 100 and 599', () => {
    const a = api();
    expect(() => {
      a.addRoute('GET', '/a', RouteIntegration.mock({ statusCode: 100 }));
      a.addRoute('GET', '/b', RouteIntegration.mock({ statusCode: 599 }));
    }).not.toThrow();
  });

  test.each([
    ['a path parameter', 'method.request.path.id'],
    ['a malformed name', 'querystring.page'],
    ['a body parameter', 'method.request.body.page'],
  ])('fails when requestParameters declares %s', (_, name) => {
    expectInvalid(
      () => api().addRoute('GET', '/orders/{id}', MOCK, { requestParameters: { [name]: true } }),
      'requestParameters of GET /orders/{id}',
      JSON.stringify(name),
      "Declare 'method.request.querystring.NAME' or 'method.request.header.NAME'; path variables are declared by the path itself.",
    );
  });

  test('accepts query-string and header request parameters', () => {
    const requestParameters = {
      'method.request.querystring.page': false,
      'method.request.header.X-Id': true,
    };
    expect(() => api().addRoute('GET', '/orders', MOCK, { requestParameters })).not.toThrow();
  });
});

describe('routes', () => {
  test('fails at synth when the API has no routes', () => {
    const app = Stack.of(api()).node.root as App;
    const thrown = (() => {
      try {
        app.synth();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    // aws-cdk-lib puts the construct path in front of the message, once.
    expect(thrown).toMatch(
      /\[Stack\/Api\] Invalid routes: none\. API Gateway cannot deploy an API without methods; add one with addRoute\(\)\./,
    );
    expect(thrown).not.toContain('[Stack/Api] [Stack/Api]');
  });

  test('synthesizes once a route is added', () => {
    const a = apiWithRoute('GET', '/orders', {});
    expect(() => (Stack.of(a).node.root as App).synth()).not.toThrow();
  });
});

describe('a rejected route changes nothing', () => {
  const cases: Array<[string, (a: EdgeApi) => [RouteIntegration, RouteOptions]]> = [
    ['a bad HTTP URL', () => [RouteIntegration.http('https://x.example.com/{id}'), {}]],
    ['a bad mock status', () => [RouteIntegration.mock({ statusCode: 99 }), {}]],
    [
      'a bad authorizer',
      (a) => [MOCK, { authorization: ApiAuthorization.lambdaRequest(fn(a), { identitySources: [] }) }],
    ],
    [
      'a bad integration after a valid new authorizer',
      (a) => [
        RouteIntegration.mock({ statusCode: 99 }),
        { authorization: ApiAuthorization.lambdaToken(fn(a)) },
      ],
    ],
  ];
  test.each(cases)('after %s, the same route can be added correctly and only it is rendered', (_, route) => {
    const a = api();
    const [integration, options] = route(a);
    expect(() => a.addRoute('GET', '/c', integration, options)).toThrow(/Invalid/);
    a.addRoute('GET', '/c', MOCK);
    const t = methodTemplate(a);
    expect(operationsOf(t).map(({ route }) => route)).toEqual(['GET /c']);
    expect(definitionOf(t).components.securitySchemes).toEqual({ sigv4: expect.anything() });
    t.resourceCountIs('AWS::Lambda::Permission', 0);
  });
});

describe('multi-value parameters', () => {
  test('fails when a cache key is a multi-value header, which is not a method request parameter', () => {
    expectInvalid(
      () =>
        api(CACHED).addRoute('GET', '/orders', MOCK, {
          cache: { shared: true, keyParameters: ['method.request.multivalueheader.X-Tenant'] },
        }),
      'cache of GET /orders.keyParameters',
      '"method.request.multivalueheader.X-Tenant"',
      'A cache key is a method request parameter',
    );
  });

  test('fails when a request authorizer uses a multi-value identity source', () => {
    const a = api();
    expectInvalid(
      () =>
        a.addRoute('GET', '/orders', MOCK, {
          authorization: ApiAuthorization.lambdaRequest(fn(a), {
            identitySources: ['method.request.multivalueheader.Authorization'],
          }),
        }),
      'authorization.identitySources',
      '"method.request.multivalueheader.Authorization"',
      'Identity sources are',
    );
  });
});
