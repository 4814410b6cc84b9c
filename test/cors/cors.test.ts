import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CorsOptions, EdgeApi, RouteIntegration } from '../../lib';
import { integrationOf, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';

/** An EdgeApi at the path Stack/Api with these CORS options. */
function api(cors: CorsOptions): EdgeApi {
  return new EdgeApi(new Stack(new App(), 'Stack'), 'Api', { cors });
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
    // Written into the origin-echo template and the static header value, these would break them.
    ['a double quote', 'https://app.example.com"'],
    ['a single quote', "https://app.example.com'"],
    ['a reference', 'https://$origin.example.com'],
    ['a directive', 'https://#end.example.com'],
    ['a backslash', 'https://app\\.example.com'],
    ['a space', 'https://app .example.com'],
    // Browsers send the host in lowercase and compare the answer byte for byte.
    ['an uppercase host', 'https://App.example.com'],
    ['a wildcard', 'https://*.example.com'],
  ])('fails when an origin has %s', (_, origin) => {
    expectInvalid(
      () => api({ allowOrigins: ['https://ok.example.com', origin] }),
      'cors.allowOrigins',
      JSON.stringify(origin),
      "An origin is http:// or https://, a lowercase host (letters, digits, '-', '_' and '.', or an IPv6 address in []) " +
        "and an optional port, with no path, trailing '/', quote or space, as browsers send it, e.g. 'https://app.example.com'.",
    );
  });

  test.each([
    ['allowHeaders', "X-Api-Key'"],
    ['allowHeaders', 'X-"Quoted"'],
    ['allowHeaders', 'X-Api-Key, X-Other'],
    ['exposeHeaders', 'X Request Id'],
    ['exposeHeaders', 'X-Request-Id:'],
    ['exposeHeaders', ''],
  ] as const)('fails when a header name in %s is not an HTTP token: %j', (prop, name) => {
    expectInvalid(
      () => api({ allowOrigins: ['https://app.example.com'], [prop]: ['Content-Type', name] }),
      `cors.${prop}`,
      JSON.stringify(name),
      "A header name is an HTTP token: letters, digits and ! # $ % & * + - . ^ _ ` | ~ (no quote, space, ',' or ':'), e.g. 'X-Request-Id'.",
    );
  });

  test('fails when maxAge is not a whole number of seconds', () => {
    expectInvalid(
      () => api({ allowOrigins: ['https://app.example.com'], maxAge: Duration.millis(1500) }),
      'cors.maxAge',
      '"1.5 seconds"',
      'Access-Control-Max-Age is a whole number of seconds: use e.g. Duration.seconds(600) or Duration.minutes(10).',
    );
  });

  test('accepts HTTP tokens as header names, IPv6 and underscore hosts, and whole-second maxAge', () => {
    const a = api({
      allowOrigins: ['https://app.example.com', 'http://[::1]:8080', 'https://my_host.internal'],
      allowHeaders: ['Content-Type', 'X-Custom_Header', '*'],
      exposeHeaders: ['X-Request-Id'],
      maxAge: Duration.minutes(10),
    });
    a.addRoute('GET', '/x', RouteIntegration.mock());
    const preflight = integrationOf(Template.fromStack(Stack.of(a)), 'OPTIONS', '/x').responses.default
      .responseParameters;
    expect(preflight['method.response.header.Access-Control-Max-Age']).toBe("'600'");
    expect(preflight['method.response.header.Access-Control-Allow-Headers']).toBe(
      "'Content-Type,X-Custom_Header,*'",
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
    const preflight = operationOf(Template.fromStack(Stack.of(a)), 'OPTIONS', '/orders');
    expect(preflight.security).toBeUndefined();
    const integration = preflight['x-amazon-apigateway-integration'];
    expect(integration.type).toBe('mock');
    // Text both ways, so a binary media type such as */* cannot turn the preflight into a 500.
    expect(integration.contentHandling).toBe('CONVERT_TO_TEXT');
    expect(integration.responses.default).toEqual({
      statusCode: '204',
      contentHandling: 'CONVERT_TO_TEXT',
      responseParameters: {
        'method.response.header.Access-Control-Allow-Headers':
          "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent'",
        'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'method.response.header.Vary': "'Origin'",
        'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD'",
      },
    });
    // Every header the integration sets is declared on the method response, or the import fails.
    expect(Object.keys(preflight.responses['204'].headers).sort()).toEqual([
      'Access-Control-Allow-Headers',
      'Access-Control-Allow-Methods',
      'Access-Control-Allow-Origin',
      'Vary',
    ]);
  });

  test('a mock route converts to text too, so it answers under the */* binary media type', () => {
    const a = new EdgeApi(new Stack(new App(), 'Stack'), 'Api', { binaryMediaTypes: ['*/*'] });
    a.addRoute('GET', '/health', RouteIntegration.mock());
    const integration = operationOf(Template.fromStack(Stack.of(a)), 'GET', '/health')[
      'x-amazon-apigateway-integration'
    ];
    expect(integration.contentHandling).toBe('CONVERT_TO_TEXT');
    expect(integration.responses.default.contentHandling).toBe('CONVERT_TO_TEXT');
  });
});

describe('cors.allowMethods', () => {
  test("fails when 'ANY' is listed with other methods", () => {
    expectInvalid(
      () => api({ allowOrigins: ['https://app.example.com'], allowMethods: ['ANY', 'GET'] }),
      'cors.allowMethods',
      '["ANY","GET"]',
      "'ANY' stands alone and means every method.",
    );
  });

  test('fails when no method is listed', () => {
    expectInvalid(
      () => api({ allowOrigins: ['https://app.example.com'], allowMethods: [] }),
      'cors.allowMethods',
      '[]',
      'List at least one method',
    );
  });

  test('fails when a method is not an HTTP method API Gateway knows', () => {
    expectInvalid(
      () => api({ allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'FETCH'] }),
      'cors.allowMethods',
      '"FETCH"',
      'Use GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, ANY.',
    );
  });

  test('accepts listed methods and renders them in the preflight', () => {
    const a = api({ allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'POST'] });
    a.addRoute('GET', '/x', RouteIntegration.mock());
    expect(
      integrationOf(Template.fromStack(Stack.of(a)), 'OPTIONS', '/x').responses.default.responseParameters[
        'method.response.header.Access-Control-Allow-Methods'
      ],
    ).toBe("'GET,POST'");
  });
});
