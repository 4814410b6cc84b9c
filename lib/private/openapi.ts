/*
 * The shapes of the OpenAPI 3.0 definition the route table renders to, with API Gateway's extensions.
 * Objects are plain JSON (values may be CloudFormation tokens until the template is resolved).
 */

/** A JSON object of the definition. */
export type OpenApiObject = { [key: string]: unknown };

/** The OpenAPI version API Gateway imports (it does not import 3.1). */
export const OPENAPI_VERSION = '3.0.1';

/** The prefix of every API Gateway extension. */
export const EXTENSION_PREFIX = 'x-amazon-apigateway-';

/** The operation key of a method in a path item: ANY is API Gateway's own extension. */
export function operationKey(method: string): string {
  return method === 'ANY' ? `${EXTENSION_PREFIX}any-method` : method.toLowerCase();
}

const PARAMETER_LOCATIONS: Record<string, string> = { path: 'path', querystring: 'query', header: 'header' };

/**
 * The OpenAPI parameter of a method request parameter, e.g. `method.request.querystring.page`.
 * API Gateway reads name, in and required; the schema is what OpenAPI requires.
 */
export function openApiParameter(requestParameter: string, required: boolean): OpenApiObject {
  const [, , location, ...name] = requestParameter.split('.');
  return {
    name: name.join('.'),
    in: PARAMETER_LOCATIONS[location],
    required: location === 'path' ? true : required,
    schema: { type: 'string' },
  };
}

/** A response's header declarations, for `method.response.header.NAME` parameters. */
export function responseHeaders(
  methodResponseParameters: Record<string, boolean> | undefined,
): OpenApiObject {
  const headers: OpenApiObject = {};
  for (const name of Object.keys(methodResponseParameters ?? {})) {
    headers[name.slice('method.response.header.'.length)] = { schema: { type: 'string' } };
  }
  return headers;
}

/** A deep copy of `value` without API Gateway's extensions. */
export function withoutExtensions(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutExtensions);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const copy: OpenApiObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (!key.startsWith(EXTENSION_PREFIX)) {
      copy[key] = withoutExtensions(child);
    }
  }
  return copy;
}

/**
 * Sets `value` at a path in `target` (deletes it for undefined), as CfnResource.addOverride does. Objects
 * on the way are copied, never changed, so objects shared with other renderings stay as they were.
 */
export function setAtPath(target: OpenApiObject, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...next } : {};
    node = node[key] as OpenApiObject;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    delete node[last];
  } else {
    node[last] = value;
  }
}
