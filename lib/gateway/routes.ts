import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { RouteOptions } from './options';
import { RouteKey } from './route-table';

/**
 * Checks a route's own options against API Gateway's limits; throws on the first problem.
 *
 * @param endpointLabel the API's endpoint type as users know it, e.g. 'edge-optimized'
 */
export function checkRouteOptions(
  scope: IConstruct,
  key: RouteKey,
  options: RouteOptions,
  endpointLabel: string,
): void {
  const route = `${key.method} ${key.path}`;
  if (options.timeout) {
    limits.checkIntegrationTimeout(scope, `timeout of ${route}`, options.timeout, endpointLabel);
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
