import { CorsOptions, preflightOperation } from '../cors/cors';
import { gatewayResponses } from './gateway-responses';
import { requestValidatorExtensions } from '../security/request-validation';
import { OPENAPI_VERSION, OpenApiObject, operationKey, withoutExtensions } from '../private/openapi';
import { RouteRecord, renderOperation } from './routes';
import { methodsServedBy } from './stages';

/** What the API's OpenAPI documents are made of. */
export interface ApiDocumentParts {
  readonly title: string;
  readonly description?: string;
  readonly routes: readonly RouteRecord[];
  /** The authorizers' security schemes, with their extensions. */
  readonly securitySchemes: OpenApiObject;
  /** The body models. */
  readonly schemas: OpenApiObject;
  readonly cors?: CorsOptions;
  /** The resource policy, when there is one. */
  readonly policy?: OpenApiObject;
  /** API Gateway's endpoint configuration extension: VPC endpoints, the default endpoint disabled. */
  readonly endpointConfiguration?: OpenApiObject;
  /** Media types passed through as binary. */
  readonly binaryMediaTypes?: string[];
  /** Where API Gateway reads API keys (HEADER or AUTHORIZER), when a route requires one. */
  readonly apiKeySource?: string;
}

/**
 * The API definition API Gateway imports: every route as an operation with its integration, the
 * authorizers, models, request validator, gateway responses and CORS preflights, with API Gateway's
 * extensions.
 */
export function renderDefinition(parts: ApiDocumentParts): OpenApiObject {
  const paths: Record<string, OpenApiObject> = {};
  for (const record of parts.routes) {
    const item = (paths[record.key.path] ??= {});
    item[operationKey(record.key.method)] = renderOperation(record, true);
  }
  if (parts.cors) {
    const preflight = preflightOperation(parts.cors);
    for (const item of Object.values(paths)) {
      item.options = preflight;
    }
  }
  const endpoint = parts.endpointConfiguration ?? {};
  return {
    ...header(parts, parts.securitySchemes),
    // OpenAPI 3.0 carries the endpoint configuration in a server object.
    ...(Object.keys(endpoint).length > 0
      ? { servers: [{ url: '/', 'x-amazon-apigateway-endpoint-configuration': endpoint }] }
      : {}),
    paths,
    ...requestValidatorExtensions(),
    ...(parts.apiKeySource ? { 'x-amazon-apigateway-api-key-source': parts.apiKeySource } : {}),
    ...(parts.policy ? { 'x-amazon-apigateway-policy': parts.policy } : {}),
    ...(parts.binaryMediaTypes && parts.binaryMediaTypes.length > 0
      ? { 'x-amazon-apigateway-binary-media-types': parts.binaryMediaTypes }
      : {}),
    'x-amazon-apigateway-gateway-responses': gatewayResponses(parts.cors),
  };
}

/**
 * The API's contract for clients and SDK generators: the same paths, operations, parameters, bodies and
 * security, without API Gateway's extensions. An ANY route is listed under each method it serves, a
 * greedy path variable `{proxy+}` as `{proxy}`, and CORS preflights, which browsers send by themselves,
 * are left out.
 */
export function renderContract(parts: ApiDocumentParts): OpenApiObject {
  const paths: Record<string, OpenApiObject> = {};
  const methodsByPath = new Map<string, Set<string>>();
  for (const { key } of parts.routes) {
    methodsByPath.set(key.path, (methodsByPath.get(key.path) ?? new Set()).add(key.method));
  }
  for (const record of parts.routes) {
    const item = (paths[record.key.path.replace(/\{([^}]+)\+\}/, '{$1}')] ??= {});
    const operation = renderOperation(record, false);
    if (record.key.method !== 'ANY') {
      item[record.key.method.toLowerCase()] = operation;
      continue;
    }
    for (const method of methodsServedBy(
      record.key,
      methodsByPath.get(record.key.path)!,
      parts.cors !== undefined,
    )) {
      const { operationId } = operation;
      item[method.toLowerCase()] = {
        ...operation,
        ...(typeof operationId === 'string' ? { operationId: `${operationId}${capitalized(method)}` } : {}),
      };
    }
  }
  return { ...header(parts, withoutExtensions(parts.securitySchemes) as OpenApiObject), paths };
}

function header(parts: ApiDocumentParts, securitySchemes: OpenApiObject): OpenApiObject {
  const components: OpenApiObject = {};
  if (Object.keys(securitySchemes).length > 0) {
    components.securitySchemes = securitySchemes;
  }
  if (Object.keys(parts.schemas).length > 0) {
    components.schemas = parts.schemas;
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: parts.title,
      version: '1',
      ...(parts.description ? { description: parts.description } : {}),
    },
    ...(Object.keys(components).length > 0 ? { components } : {}),
  };
}

function capitalized(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}
