import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { HTTP_METHODS } from '../private/limits';
import { OpenApiObject, responseHeaders } from '../private/openapi';

/**
 * Cross-origin resource sharing for browser clients.
 */
export interface CorsOptions {
  /**
   * Origins allowed to call the API, e.g. `https://app.example.com`, or `['*']` for any origin.
   */
  readonly allowOrigins: string[];

  /**
   * Methods allowed in cross-origin requests.
   * @default - every method
   */
  readonly allowMethods?: string[];

  /**
   * Request headers allowed in cross-origin requests.
   * @default - Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token, X-Amz-User-Agent
   */
  readonly allowHeaders?: string[];

  /**
   * Whether browsers may send cookies and credentials. Not allowed with origin `*`.
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * Response headers browsers may read.
   * @default - none beyond the CORS-safelisted headers
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache a preflight response.
   * @default - the browser's default
   */
  readonly maxAge?: Duration;
}

const ORIGIN = /^https?:\/\/[^/\s?#]+$/;

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
        "An origin is a scheme and host with an optional port and no path or trailing '/', e.g. 'https://app.example.com'.",
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
  // API Gateway passes header names in the case the client sent (HTTP/2 clients send lowercase), and
  // Velocity 1.7's `#set` keeps the old value when the right side is null: start from "" and look the
  // header up by its lowercased name.
  return [
    '#set($origin = "")',
    '#foreach($name in $input.params().header.keySet())#if($name.toLowerCase() == "origin")#set($origin = $input.params().header.get($name))#end#end',
    `#if(${origins.map((o) => `$origin == "${o}"`).join(' || ')})`,
    '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#end',
  ].join('\n');
}
