import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { SecurityRequirement } from '../security/authorizer-registry';
import { API_KEY_SCHEME } from '../traffic/api-keys';
import { IntegrationRendering } from '../integrations/integration-context';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { OpenApiObject, openApiParameter, withoutExtensions } from '../private/openapi';
import { ApiRoute } from './api-route';
import { ERROR_SCHEMA_REF, isErrorBody } from './contract-names';
import { RouteOptions } from './route-options';
import { RouteKey } from './route-table';
import { StageRoute } from './stages';

const OPERATION_ID = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Checks a route's own options against API Gateway's limits and the API's other routes; throws on the
 * first problem.
 *
 * @param timeoutLimit how long the API's integrations may take
 * @param operationIds the operation ids other routes of the API use
 */
export function checkRouteOptions(
  scope: IConstruct,
  key: RouteKey,
  options: RouteOptions,
  timeoutLimit: limits.IntegrationTimeoutLimit,
  operationIds: ReadonlySet<string>,
): void {
  const route = `${key.method} ${key.path}`;
  if (timeoutLimit.streamed && options.cache) {
    throw new PresetValidationError(
      scope,
      `cache of ${route}`,
      options.cache,
      'A streamed route cannot be cached: API Gateway caches buffered responses only. Remove cache, or stream without it.',
    );
  }
  const { operationId } = options;
  if (operationId !== undefined && (!OPERATION_ID.test(operationId) || operationIds.has(operationId))) {
    throw new PresetValidationError(
      scope,
      `operationId of ${route}`,
      operationId,
      operationIds.has(operationId)
        ? 'Operation ids are unique in an API: another route has it.'
        : 'An operation id is 1-128 letters, digits and underscores, not starting with a digit, so every SDK generator can name a method after it.',
    );
  }
  if (options.timeout) {
    limits.checkIntegrationTimeout(scope, `timeout of ${route}`, options.timeout, timeoutLimit);
  }
  if (options.throttling) {
    limits.checkThrottling(scope, `throttling of ${route}`, options.throttling);
  }
  for (const name of Object.keys(options.requestParameters ?? {})) {
    if (!limits.METHOD_PARAMETER.test(name) || name.startsWith('method.request.path.')) {
      throw new PresetValidationError(
        scope,
        `requestParameters of ${route}`,
        name,
        "Declare 'method.request.querystring.NAME' or 'method.request.header.NAME'; path variables are declared by the path itself.",
      );
    }
  }
}

/**
 * A method's request parameters and whether each is required: the path variables (required), the
 * cache key parameters (optional unless declared otherwise), those the integration needs, and those
 * the route declares, which win.
 */
export function methodRequestParameters(
  key: RouteKey,
  cacheKeyParameters: string[] | undefined,
  integrationParameters: Record<string, boolean> | undefined,
  declared: Record<string, boolean> | undefined,
): Record<string, boolean> | undefined {
  const parameters: Record<string, boolean> = {};
  for (const variable of key.pathVariables) {
    parameters[`method.request.path.${variable}`] = true;
  }
  for (const parameter of cacheKeyParameters ?? []) {
    parameters[parameter] = parameters[parameter] ?? false;
  }
  Object.assign(parameters, integrationParameters, declared);
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/** An edge-optimized endpoint closes a stream after 30 seconds without data; the route says so. */
export function warnAboutStreamIdleTimeout(route: ApiRoute, limit: limits.IntegrationTimeoutLimit): void {
  if (limit.endpoint === 'edge-optimized') {
    Annotations.of(route).addWarningV2(
      'cdk-apigateway-presets:streaming-idle-timeout',
      `${route.method} ${route.path} streams through an edge-optimized endpoint, which closes a stream after 30 ` +
        'seconds without data (5 minutes on a regional or private API): send data at least every 30 seconds.',
    );
  }
}

/** Documentation of a route's operation, from its options. */
export interface OperationDocumentation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: string[];
}

/** Everything the definition, the contract and the stages need of one route. */
export interface RouteRecord extends StageRoute {
  readonly route: ApiRoute;
  readonly documentation: OperationDocumentation;
  /** Method request parameters and whether each is required. */
  readonly requestParameters?: Record<string, boolean>;
  /** The body's model, by content type. */
  readonly bodyModels?: Record<string, string>;
  /** The security requirement; undefined for a public route. */
  readonly security?: SecurityRequirement;
  /** Whether the route requires an API key, ANDed into its security requirement. */
  readonly apiKeyRequired?: boolean;
  readonly integration: IntegrationRendering;
}

/** How the contract describes a greedy path variable (`{key+}`), which OpenAPI path templating lacks. */
const GREEDY_VARIABLE =
  "The rest of the path, '/' included: send each '/' as is, not percent-encoded (a greedy path variable of API Gateway).";

/** What a successful response of a proxy integration is documented as: whatever the backend sends. */
const PROXY_RESPONSES = { '200': { description: 'Backend response' } };

/**
 * The route's operation. In the contract (`withExtensions: false`) it has no API Gateway extension.
 */
export function renderOperation(record: RouteRecord, withExtensions: boolean): OpenApiObject {
  const { documentation } = record;
  const operation: OpenApiObject = {};
  if (documentation.operationId) {
    operation.operationId = documentation.operationId;
  }
  if (documentation.summary) {
    operation.summary = documentation.summary;
  }
  if (documentation.description) {
    operation.description = documentation.description;
  }
  if (documentation.tags && documentation.tags.length > 0) {
    operation.tags = documentation.tags;
  }
  const parameters = Object.entries(record.requestParameters ?? {})
    .sort(([a], [b]) => parameterOrder(a) - parameterOrder(b))
    .map(([name, required]) => {
      const parameter = openApiParameter(name, required);
      return !withExtensions && record.key.path.includes(`{${parameter.name}+}`)
        ? { ...parameter, description: GREEDY_VARIABLE }
        : parameter;
    });
  if (parameters.length > 0) {
    operation.parameters = parameters;
  }
  if (record.bodyModels) {
    operation.requestBody = {
      required: true,
      content: Object.fromEntries(
        Object.entries(record.bodyModels).map(([contentType, model]) => [
          contentType,
          { schema: { $ref: `#/components/schemas/${model}` } },
        ]),
      ),
    };
  }
  operation.responses = record.integration.responses ?? PROXY_RESPONSES;
  if (!withExtensions && record.integration.responseBodies) {
    operation.responses = withJsonBodies(
      operation.responses as OpenApiObject,
      record.integration.responseBodies,
    );
  }
  const binary = record.integration.binaryBodies;
  if (!withExtensions && binary) {
    if (binary.request && !operation.requestBody) {
      operation.requestBody = { required: true, content: binaryContent(binary.mediaTypes) };
    }
    operation.responses = Object.fromEntries(
      Object.entries(operation.responses as OpenApiObject).map(([status, response]) => [
        status,
        binary.responses.includes(status) && !(response as OpenApiObject).content
          ? { ...(response as OpenApiObject), content: binaryContent(binary.mediaTypes) }
          : response,
      ]),
    );
  }
  // An API key is required with the route's authorization, not instead of it: one requirement holds both.
  const apiKey = record.apiKeyRequired ? { [API_KEY_SCHEME]: [] } : undefined;
  if (record.security) {
    operation.security = [{ ...record.security, ...apiKey }];
  } else {
    if (withExtensions) {
      // A public route declares itself open, as API Gateway reads it, so an audit of the definition
      // (ApiDefinitionChecks) tells it from a route left without authorization.
      operation['x-amazon-apigateway-auth'] = { type: 'NONE' };
    }
    // In the contract, a public route says so: an empty requirement, which clients read as "no credentials".
    if (apiKey || !withExtensions) {
      operation.security = apiKey ? [apiKey] : [];
    }
  }
  if (withExtensions) {
    operation['x-amazon-apigateway-integration'] = record.integration.integration;
  }
  record.route._applyOverrides(operation);
  return withExtensions ? operation : (withoutExtensions(operation) as OpenApiObject);
}

/** Runs `render`, naming the route in the integration's validation errors. */
export function renderInRoute<T>(route: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw error instanceof PresetValidationError ? error.inRoute(route) : error;
  }
}

/**
 * The integration's rendering with `schema` as the body of its success response in the contract: the
 * lowest 2XX status it documents (200 for a proxy). Throws when it has none, or writes that body itself.
 */
export function withResponseSchema(
  scope: IConstruct,
  route: string,
  rendering: IntegrationRendering,
  schema: OpenApiObject,
): IntegrationRendering {
  const prop = `responseSchema of ${route}`;
  // 204 No Content has no body to describe.
  const statuses = Object.keys(rendering.responses ?? PROXY_RESPONSES).filter(
    (s) => /^2\d\d$/.test(s) && s !== '204',
  );
  const success = statuses.sort()[0];
  if (success === undefined) {
    throw new PresetValidationError(
      scope,
      prop,
      'a schema',
      'The route has no 2XX response with a body to describe (a mock route answers with its statusCode; a 204 has no body).',
    );
  }
  if (rendering.responseBodies?.[success]) {
    throw new PresetValidationError(
      scope,
      prop,
      'a schema',
      `The integration writes the ${success} body itself, and the contract already gives its schema.`,
    );
  }
  return { ...rendering, responseBodies: { ...rendering.responseBodies, [success]: schema } };
}

/** `responses` with an `application/json` body on each response `bodies` has a schema for. */
function withJsonBodies(responses: OpenApiObject, bodies: Record<string, OpenApiObject>): OpenApiObject {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      bodies[status]
        ? {
            ...(response as OpenApiObject),
            content: {
              'application/json': { schema: isErrorBody(bodies[status]) ? ERROR_SCHEMA_REF : bodies[status] },
            },
          }
        : response,
    ]),
  );
}

/** Bodies of any of `mediaTypes`, as bytes: OpenAPI 3.0's binary string. */
function binaryContent(mediaTypes: string[]): OpenApiObject {
  return Object.fromEntries(
    mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
  );
}

/** Path parameters first, then query strings, then headers, as API Gateway's console lists them. */
function parameterOrder(name: string): number {
  return ['method.request.path.', 'method.request.querystring.', 'method.request.header.'].findIndex((p) =>
    name.startsWith(p),
  );
}
