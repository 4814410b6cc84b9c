import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { HTTP_METHODS } from '../private/limits';
import { OpenApiObject, responseHeaders } from '../private/openapi';

/**
 * Cross-origin resource sharing for browser clients.
 */
export interface CorsOptions {
  /**
   * Origins allowed to call the API, e.g. `https://app.example.com`, or `['*']` for any origin. An origin
   * is written as browsers send it: `http://` or `https://`, a lowercase host and an optional port.
   */
  readonly allowOrigins: string[];

  /**
   * Methods allowed in cross-origin requests.
   * @default - every method
   */
  readonly allowMethods?: string[];

  /**
   * Request headers allowed in cross-origin requests: HTTP tokens such as `X-Request-Id`, or `*`.
   * @default - Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token, X-Amz-User-Agent
   */
  readonly allowHeaders?: string[];

  /**
   * Whether browsers may send cookies and credentials. Not allowed with origin `*`.
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * Response headers browsers may read: HTTP tokens such as `X-Request-Id`.
   * @default - none beyond the CORS-safelisted headers
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache a preflight response, in whole seconds (`Access-Control-Max-Age`).
   * @default - the browser's default
   */
  readonly maxAge?: Duration;
}

/**
 * An origin as browsers send it (the Fetch standard's serialization of an origin): a lowercase scheme
 * and host, and a port. The browser compares the answered origin with its own byte for byte, and the
 * origin is written into a mapping template, so nothing else may appear.
 */
const ORIGIN = /^https?:\/\/([a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$/;
/**
 * A header name: an HTTP token (RFC 9110 section 5.6.2, the Fetch standard's header-name grammar), or
 * `*`; without `'`, which would end the quoted static value API Gateway writes the header from.
 */
const HEADER_NAME = /^[!#$%&*+.^_`|~0-9A-Za-z-]+$/;

/** Checks the CORS options; throws on combinations browsers or API Gateway reject. */
export function validateCors(scope: IConstruct, cors: CorsOptions): void {
  const origins = cors.allowOrigins;
  if (origins.length === 0) {
    throw new PresetValidationError(
      scope,
      'cors.allowOrigins',
      origins,
      "List at least one origin, or ['*'].",
    );
  }
  if (origins.includes('*') && origins.length > 1) {
    throw new PresetValidationError(
      scope,
      'cors.allowOrigins',
      origins,
      "'*' cannot be combined with other origins.",
    );
  }
  for (const origin of origins) {
    if (origin !== '*' && !ORIGIN.test(origin)) {
      throw new PresetValidationError(
        scope,
        'cors.allowOrigins',
        origin,
        "An origin is http:// or https://, a lowercase host (letters, digits, '-', '_' and '.', or an IPv6 address in []) " +
          "and an optional port, with no path, trailing '/', quote or space, as browsers send it, e.g. 'https://app.example.com'.",
      );
    }
  }
  for (const prop of ['allowHeaders', 'exposeHeaders'] as const) {
    for (const name of cors[prop] ?? []) {
      if (!Token.isUnresolved(name) && !HEADER_NAME.test(name)) {
        throw new PresetValidationError(
          scope,
          `cors.${prop}`,
          name,
          "A header name is an HTTP token: letters, digits and ! # $ % & * + - . ^ _ ` | ~ (no quote, space, ',' or ':'), e.g. 'X-Request-Id'.",
        );
      }
    }
  }
  if (cors.maxAge !== undefined && !cors.maxAge.isUnresolved()) {
    const seconds = cors.maxAge.toSeconds({ integral: false });
    if (!Number.isInteger(seconds)) {
      throw new PresetValidationError(
        scope,
        'cors.maxAge',
        `${seconds} seconds`,
        'Access-Control-Max-Age is a whole number of seconds: use e.g. Duration.seconds(600) or Duration.minutes(10).',
      );
    }
  }
  const methods = cors.allowMethods;
  if (methods && (methods.length === 0 || (methods.includes('ANY') && methods.length > 1))) {
    throw new PresetValidationError(
      scope,
      'cors.allowMethods',
      methods,
      "List at least one method; 'ANY' stands alone and means every method.",
    );
  }
  for (const method of methods ?? []) {
    if (!HTTP_METHODS.includes(method)) {
      throw new PresetValidationError(scope, 'cors.allowMethods', method, `Use ${HTTP_METHODS.join(', ')}.`);
    }
  }
  if (cors.allowCredentials && origins.includes('*')) {
    throw new PresetValidationError(
      scope,
      'cors.allowCredentials',
      true,
      "Browsers reject credentials with origin '*'; list the allowed origins instead.",
    );
  }
}

/** Request headers browsers may send when none are listed (as aws-cdk-lib's `Cors.DEFAULT_HEADERS`). */
const DEFAULT_ALLOW_HEADERS = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
  'X-Amz-User-Agent',
];
/** Methods allowed when none are listed, or when `ANY` is. */
const ALL_METHODS = ['OPTIONS', 'GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'];
const PREFLIGHT_STATUS = '204';

/**
 * The OPTIONS operation that answers a browser's preflight on a path, from API Gateway itself (a mock
 * integration, no authorization). With several origins, the first is the static answer and a listed
 * origin the request comes from is echoed instead.
 */
export function preflightOperation(cors: CorsOptions): OpenApiObject {
  // The headers every response API Gateway builds carries, and those only a preflight answer needs.
  const common = integrationResponseCors(cors);
  const methods = !cors.allowMethods || cors.allowMethods.includes('ANY') ? ALL_METHODS : cors.allowMethods;
  const preflight = responseHeaderParameters({
    'Access-Control-Allow-Headers': `'${(cors.allowHeaders ?? DEFAULT_ALLOW_HEADERS).join(',')}'`,
    'Access-Control-Allow-Methods': `'${methods.join(',')}'`,
    ...(cors.maxAge ? { 'Access-Control-Max-Age': `'${cors.maxAge.toSeconds()}'` } : {}),
  });
  const responseParameters = { ...common.responseParameters, ...preflight.responseParameters };
  const declared = { ...common.methodResponseParameters, ...preflight.methodResponseParameters };
  const echo = common.templatePrefix;
  return {
    summary: 'CORS preflight',
    responses: {
      [PREFLIGHT_STATUS]: { description: 'CORS preflight answer', headers: responseHeaders(declared) },
    },
    'x-amazon-apigateway-integration': {
      type: 'mock',
      requestTemplates: { 'application/json': `{"statusCode": ${PREFLIGHT_STATUS}}` },
      // Text both ways: under a binary media type such as */* API Gateway would otherwise take the preflight
      // (it has no Content-Type) for binary, fail to map it, and answer 500.
      contentHandling: 'CONVERT_TO_TEXT',
      responses: {
        default: {
          statusCode: PREFLIGHT_STATUS,
          contentHandling: 'CONVERT_TO_TEXT',
          responseParameters,
          ...(echo ? { responseTemplates: { 'application/json': echo } } : {}),
        },
      },
    },
  };
}

/**
 * CORS headers for API Gateway's own error responses (authorizer 401/403, throttling 429,
 * validation 400, integration timeout 504), so browsers show the real status, not a CORS error.
 *
 * With one origin (or '*') the header is that origin. With several, API Gateway cannot choose
 * among them in a gateway response, so the caller's Origin is echoed with `Vary: Origin` and
 * without the credentials header: the body of a gateway error carries no caller data.
 */
export function gatewayResponseCorsHeaders(cors: CorsOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (cors.allowOrigins.length === 1) {
    headers['Access-Control-Allow-Origin'] = `'${cors.allowOrigins[0]}'`;
    if (cors.allowOrigins[0] !== '*') {
      headers.Vary = "'Origin'";
      if (cors.allowCredentials) {
        headers['Access-Control-Allow-Credentials'] = "'true'";
      }
    }
  } else {
    headers['Access-Control-Allow-Origin'] = 'method.request.header.Origin';
    headers.Vary = "'Origin'";
  }
  if (cors.exposeHeaders && cors.exposeHeaders.length > 0) {
    headers['Access-Control-Expose-Headers'] = `'${cors.exposeHeaders.join(',')}'`;
  }
  return headers;
}

/** CORS headers an integration response sets itself (mock routes answer from API Gateway). */
export interface IntegrationResponseCors {
  /** Integration response parameters, `method.response.header.NAME` to a static value. */
  readonly responseParameters: Record<string, string>;
  /** The same headers declared on the method response. */
  readonly methodResponseParameters: Record<string, boolean>;
  /** Mapping-template lines that answer a listed origin other than the first one. */
  readonly templatePrefix: string;
}

/**
 * The CORS headers of a response API Gateway builds itself, following the preflight's rules: the
 * first origin (or '*') statically, and any other listed origin through the response override.
 */
export function integrationResponseCors(cors: CorsOptions): IntegrationResponseCors {
  const [first, ...others] = cors.allowOrigins;
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': `'${first}'` };
  if (first !== '*') {
    headers.Vary = "'Origin'";
  }
  if (cors.allowCredentials) {
    headers['Access-Control-Allow-Credentials'] = "'true'";
  }
  if (cors.exposeHeaders && cors.exposeHeaders.length > 0) {
    headers['Access-Control-Expose-Headers'] = `'${cors.exposeHeaders.join(',')}'`;
  }
  const echo = originEchoTemplate(others);
  return { ...responseHeaderParameters(headers), templatePrefix: echo ? `${echo}\n` : '' };
}

/** Integration response parameters that set these headers, and their declarations on the method response. */
function responseHeaderParameters(
  headers: Record<string, string>,
): Pick<IntegrationResponseCors, 'responseParameters' | 'methodResponseParameters'> {
  const responseParameters: Record<string, string> = {};
  const methodResponseParameters: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(headers)) {
    responseParameters[`method.response.header.${name}`] = value;
    methodResponseParameters[`method.response.header.${name}`] = true;
  }
  return { responseParameters, methodResponseParameters };
}

/**
 * Mapping-template lines that answer the request's origin when it is one of `origins` (the other
 * origins than the one the response names statically), or undefined when there are none.
 */
function originEchoTemplate(origins: string[]): string | undefined {
  if (origins.length === 0) {
    return undefined;
  }
  // API Gateway passes header names in the case the client sent: browsers send `Origin` over HTTP/1.1
  // and `origin` over HTTP/2. Both are looked up by name, then any other case by comparing lowercased
  // names. Velocity 1.7's `#set` keeps the old value when the right side is null, so each lookup runs
  // only while nothing was found, and `$!given` reads a missing value as "".
  return [
    '#set($given = $input.params().header.get("Origin"))',
    '#if("$!given" == "")#set($given = $input.params().header.get("origin"))#end',
    '#if("$!given" == "")#foreach($name in $input.params().header.keySet())#if($name.toLowerCase() == "origin")#set($given = $input.params().header.get($name))#end#end#end',
    `#if(${origins.map((o) => `"$!given" == "${o}"`).join(' || ')})`,
    '#set($context.responseOverride.header.Access-Control-Allow-Origin = $given)',
    '#end',
  ].join('\n');
}
