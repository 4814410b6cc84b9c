import { App, CfnParameter, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeApi, EdgeApiProps, RouteIntegration } from '../../lib';
import { definitionOf, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';

const MOCK = RouteIntegration.mock();

/** An EdgeApi at the path Stack/Api. */
function api(props?: EdgeApiProps): EdgeApi {
  return new EdgeApi(new Stack(new App(), 'Stack'), 'Api', props);
}

/** Asserts that the routes are all accepted, in order. */
function expectAccepted(...routes: Array<[string, string]>): void {
  const a = api();
  for (const [method, path] of routes) {
    expect(() => a.addRoute(method, path, MOCK)).not.toThrow();
  }
}

describe('method', () => {
  test('fails when the method is not an HTTP method API Gateway supports', () => {
    expectInvalid(
      () => api().addRoute('FETCH', '/orders', MOCK),
      'method',
      '"FETCH"',
      'Use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, ANY.',
    );
  });

  test('accepts every supported method, in any case', () => {
    expectAccepted(
      ...['get', 'HEAD', 'Post', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'ANY'].map((m): [string, string] => [
        m,
        '/orders',
      ]),
    );
  });
});

describe('tokens', () => {
  test('fails when the method is a token: the route table is rendered at synth from known keys', () => {
    const a = api();
    const method = new CfnParameter(a, 'Method').valueAsString;
    expectInvalid(
      () => a.addRoute(method, '/orders', MOCK),
      'method',
      JSON.stringify(method),
      'A route method must be known at synth, not a token (e.g. a Lazy value or a CfnParameter): use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, ANY.',
    );
  });

  test('fails when the path is a token, naming it as such instead of a missing leading slash', () => {
    const a = api();
    const path = Lazy.string({ produce: () => '/orders' });
    expectInvalid(
      () => a.addRoute('GET', path, MOCK),
      'path',
      JSON.stringify(path),
      "A route path must be known at synth, not a token (e.g. a Lazy value or a CfnParameter): give the path itself, e.g. '/orders/{id}'.",
    );
  });

  test("fails when the path is a CfnParameter's value", () => {
    const a = api();
    const path = new CfnParameter(a, 'Path').valueAsString;
    expectInvalid(
      () => a.addRoute('GET', path, MOCK),
      'path',
      JSON.stringify(path),
      'must be known at synth',
    );
  });
});

describe('path', () => {
  test("fails when the path does not start with '/'", () => {
    expectInvalid(
      () => api().addRoute('GET', 'orders', MOCK),
      'path',
      '"orders"',
      "A route path starts with '/'",
    );
  });

  test("fails when the path ends with '/'", () => {
    expectInvalid(
      () => api().addRoute('GET', '/orders/', MOCK),
      'path',
      '"/orders/"',
      "A route path has no trailing '/'.",
    );
  });

  test("fails when the path has an empty segment ('//')", () => {
    expectInvalid(
      () => api().addRoute('GET', '/orders//items', MOCK),
      'path',
      '"/orders//items"',
      "A route path has no empty segments ('//').",
    );
  });

  test.each([
    ['/orders/a b', 'a b'],
    ['/orders/{id}.json', '{id}.json'],
    ['/ordérs', 'ordérs'],
    ['/orders/{}', '{}'],
    ['/orders/{id', '{id'],
    ['/orders/$count', '$count'],
  ])('fails when the path %s has a segment with characters API Gateway rejects', (path, segment) => {
    expectInvalid(
      () => api().addRoute('GET', path, MOCK),
      'path',
      JSON.stringify(path),
      `Segment '${segment}' is not allowed: segments are letters, digits and : . _ - , or a variable`,
    );
  });

  test('accepts letters, digits, : . _ - , and variables in segments', () => {
    expectAccepted(['GET', '/v1.2/orders_x-y/count:all,open'], ['GET', '/v1.2/{order.id}/{proxy+}']);
  });

  test('fails when a greedy variable is not the last segment', () => {
    expectInvalid(
      () => api().addRoute('GET', '/files/{proxy+}/meta', MOCK),
      'path',
      '"/files/{proxy+}/meta"',
      'The greedy variable {proxy+} must be the last segment of the path.',
    );
  });

  test('fails when the same variable appears twice in a path', () => {
    expectInvalid(
      () => api().addRoute('GET', '/orders/{id}/items/{id}', MOCK),
      'path',
      '"/orders/{id}/items/{id}"',
      'The path variable {id} appears twice; each variable name may appear once in a path.',
    );
  });

  test("accepts the root path '/'", () => {
    const a = api();
    a.addRoute('GET', '/', MOCK);
    expect(Object.keys(definitionOf(Template.fromStack(Stack.of(a))).paths)).toEqual(['/']);
    expect(operationOf(Template.fromStack(Stack.of(a)), 'GET', '/')).toBeDefined();
  });
});

describe('routes already in the table', () => {
  test('fails when the same method and path are added twice', () => {
    const a = api();
    a.addRoute('GET', '/orders', MOCK);
    expectInvalid(
      () => a.addRoute('get', '/orders', MOCK),
      'route',
      '"GET /orders"',
      'Each method and path pair may be added once.',
    );
  });

  test('accepts the same path with different methods', () => {
    expectAccepted(['GET', '/orders'], ['POST', '/orders'], ['ANY', '/orders']);
  });

  test('fails when sibling routes name the variable at one level differently', () => {
    const a = api();
    a.addRoute('GET', '/a/{id}', MOCK);
    expectInvalid(
      () => a.addRoute('GET', '/a/{name}', MOCK),
      'path',
      '"/a/{name}"',
      "'/a' already has the path variable {id}; API Gateway allows one variable per level, so sibling routes must use {id} too.",
    );
  });

  test('fails when sibling routes disagree deeper in the path', () => {
    const a = api();
    a.addRoute('GET', '/a/{id}/items', MOCK);
    expectInvalid(
      () => a.addRoute('GET', '/a/{name}/tags', MOCK),
      'path',
      '"/a/{name}/tags"',
      "'/a' already has the path variable {id}",
    );
  });

  test('fails when a variable is added next to a greedy variable of the same name', () => {
    const a = api();
    a.addRoute('GET', '/a/{proxy+}', MOCK);
    expectInvalid(
      () => a.addRoute('POST', '/a/{proxy}', MOCK),
      'path',
      '"/a/{proxy}"',
      "'/a' already has the path variable {proxy+}; API Gateway allows one variable per level, so sibling routes must use {proxy+} too.",
    );
  });

  test('fails when a greedy variable is added next to a plain variable', () => {
    const a = api();
    a.addRoute('GET', '/a/{id}', MOCK);
    expectInvalid(
      () => a.addRoute('GET', '/a/{proxy+}', MOCK),
      'path',
      '"/a/{proxy+}"',
      "'/a' already has the path variable {id}; API Gateway allows one variable per level, so sibling routes must use {id} too.",
    );
  });

  test('fails when the root has two differently named variables', () => {
    const a = api();
    a.addRoute('GET', '/{tenant}', MOCK);
    expectInvalid(
      () => a.addRoute('GET', '/{org}/users', MOCK),
      'path',
      '"/{org}/users"',
      "'/' already has the path variable {tenant}",
    );
  });

  test('accepts siblings that share the variable name, and literal siblings of a variable', () => {
    expectAccepted(
      ['GET', '/a/{id}'],
      ['GET', '/a/{id}/items'],
      ['GET', '/a/search'],
      ['GET', '/b/{proxy+}'],
      ['POST', '/b/{proxy+}'],
      ['GET', '/b/static'],
    );
  });

  test('fails when an OPTIONS route is added while cors answers OPTIONS', () => {
    const a = api({ cors: { allowOrigins: ['https://app.example.com'] } });
    expectInvalid(
      () => a.addRoute('OPTIONS', '/orders', MOCK),
      'route',
      '"OPTIONS /orders"',
      'With cors set, the preset answers OPTIONS itself on every route path; remove the OPTIONS route or the cors option.',
    );
  });

  test('accepts an OPTIONS route when cors is not set', () => {
    expectAccepted(['OPTIONS', '/orders']);
  });
});
