import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CorsOptions, EdgeApi, RouteIntegration } from '../../lib';
import { PresetValidationError } from '../../lib/private/errors';

/** An EdgeApi at the path Stack/Api with these CORS options. */
function api(cors: CorsOptions): EdgeApi {
  return new EdgeApi(new Stack(new App(), 'Stack'), 'Api', { cors });
}

/** Asserts that `act` throws our error naming Stack/Api, the prop, the value given and what is allowed. */
function expectInvalid(act: () => unknown, prop: string, value: string, allowed: string): void {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PresetValidationError);
  const error = thrown as PresetValidationError;
  expect(error.constructPath).toBe('Stack/Api');
  expect(error.prop).toBe(prop);
  expect(error.message).toContain(`[Stack/Api] Invalid ${prop}: ${value}. `);
  expect(error.message).toContain(allowed);
}

describe('cors', () => {
  test('fails when no origin is listed', () => {
    expectInvalid(
      () => api({ allowOrigins: [] }),
      'cors.allowOrigins',
      '[]',
      "List at least one origin, or ['*'].",
    );
  });

  test("fails when '*' is listed with other origins", () => {
    expectInvalid(
      () => api({ allowOrigins: ['*', 'https://app.example.com'] }),
      'cors.allowOrigins',
      '["*","https://app.example.com"]',
      "'*' cannot be combined with other origins.",
    );
  });

  test.each([
    ['a path', 'https://app.example.com/login'],
    ["a trailing '/'", 'https://app.example.com/'],
    ['no scheme', 'app.example.com'],
    ['a scheme other than http(s)', 'ftp://app.example.com'],
    ['a query string', 'https://app.example.com?x=1'],
  ])('fails when an origin has %s', (_, origin) => {
    expectInvalid(
      () => api({ allowOrigins: ['https://ok.example.com', origin] }),
      'cors.allowOrigins',
      JSON.stringify(origin),
      "An origin is a scheme and host with an optional port and no path or trailing '/', e.g. 'https://app.example.com'.",
    );
  });

  test("fails when credentials are allowed with origin '*'", () => {
    expectInvalid(
      () => api({ allowOrigins: ['*'], allowCredentials: true }),
      'cors.allowCredentials',
      'true',
      "Browsers reject credentials with origin '*'; list the allowed origins instead.",
    );
  });

  test("accepts '*' without credentials, and listed origins with ports and credentials", () => {
    expect(() => api({ allowOrigins: ['*'] })).not.toThrow();
    expect(() =>
      api({ allowOrigins: ['http://localhost:3000', 'https://app.example.com'], allowCredentials: true }),
    ).not.toThrow();
  });

  test("answers preflight on a route's path", () => {
    const a = api({ allowOrigins: ['https://app.example.com'] });
    a.addRoute('GET', '/orders', RouteIntegration.mock());
    Template.fromStack(Stack.of(a)).hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'OPTIONS',
      AuthorizationType: 'NONE',
    });
  });
});
