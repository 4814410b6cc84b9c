import { CfnResource, Stack } from 'aws-cdk-lib';
import { mediaTypeMatches } from '../private/limits';

/*
 * Reading an API Gateway REST API definition (OpenAPI 3.0 or Swagger 2.0, with API Gateway's
 * extensions) as it stands in a synthesized template. Anything that is not plain data (an unresolved
 * intrinsic function) is skipped rather than guessed.
 */

/** A JSON object of the template. */
export type Json = { [key: string]: unknown };

/** The definition of a REST API: read, unreadable at synth, or not given (an API of Method resources). */
export type BodyState = { kind: 'read'; body: Json } | { kind: 'unreadable' } | { kind: 'absent' };

/** One operation of the definition. */
export interface Operation {
  /** `METHOD /path`, with ANY for API Gateway's any-method extension. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly operation: Json;
  /** Its `x-amazon-apigateway-integration`, when it is an object. */
  readonly integration?: Json;
}

/** The parts of a definition the rules read. */
export interface Definition {
  readonly root: Json;
  readonly schemes: Json;
  readonly validators: Json;
}

/** The HTTP methods an OpenAPI path item holds, as API Gateway reads them. */
const METHOD_KEYS: Record<string, string> = {
  get: 'GET',
  head: 'HEAD',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  options: 'OPTIONS',
  'x-amazon-apigateway-any-method': 'ANY',
};

/** The methods an ANY operation serves, for matching stage method settings. */
const ANY_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** The properties of an L1 resource as they are written to the template (overrides included). */
export function renderedProperties(node: CfnResource): Json {
  const rendered = Stack.of(node).resolve(
    (node as unknown as { _toCloudFormation(): Json })._toCloudFormation(),
  ) as Json;
  const resource = Object.values((rendered?.Resources ?? {}) as Json)[0] as Json | undefined;
  return (resource?.Properties ?? {}) as Json;
}

/** Whether a value is a plain object (not an array, not null). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a resolved value is an intrinsic function or a reference (one key, `Ref` or `Fn::...`). */
function isIntrinsic(value: unknown): boolean {
  if (!isObject(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** The definition of a REST API resource. */
export function readBody(node: CfnResource): BodyState {
  const properties = renderedProperties(node);
  const body: unknown = properties.Body;
  if (body === undefined) {
    return properties.BodyS3Location !== undefined ? { kind: 'unreadable' } : { kind: 'absent' };
  }
  if (!isObject(body) || isIntrinsic(body) || !isObject(body.paths)) {
    return { kind: 'unreadable' };
  }
  return { kind: 'read', body };
}

/** The parts of the definition the rules read: security schemes (3.0 or 2.0) and request validators. */
export function definitionOf(root: Json): Definition {
  const components = isObject(root.components) ? root.components : {};
  const schemes = components.securitySchemes ?? root.securityDefinitions;
  const validators = root['x-amazon-apigateway-request-validators'];
  return {
    root,
    schemes: isObject(schemes) ? schemes : {},
    validators: isObject(validators) ? validators : {},
  };
}

/** Every operation of the definition whose path item and operation are plain objects. */
export function operationsOf(definition: Definition): Operation[] {
  const result: Operation[] = [];
  for (const [path, item] of Object.entries(definition.root.paths as Json)) {
    if (!isObject(item) || isIntrinsic(item)) {
      continue;
    }
    for (const [key, operation] of Object.entries(item)) {
      const method = METHOD_KEYS[key.toLowerCase()];
      if (!method || !isObject(operation) || isIntrinsic(operation)) {
        continue;
      }
      const integration = operation['x-amazon-apigateway-integration'];
      result.push({
        key: `${method} ${path}`,
        method,
        path,
        operation,
        integration: isObject(integration) ? integration : undefined,
      });
    }
  }
  return result;
}

/** Whether an operation is a CORS preflight: OPTIONS answered by a mock integration. */
function isPreflight(op: Operation): boolean {
  return op.method === 'OPTIONS' && String(op.integration?.type ?? '').toLowerCase() === 'mock';
}

/** The type of an operation's `x-amazon-apigateway-auth`, upper case (the value is case insensitive). */
function authType(op: Operation): string | undefined {
  const auth = op.operation['x-amazon-apigateway-auth'];
  return isObject(auth) && typeof auth.type === 'string' ? auth.type.toUpperCase() : undefined;
}

/** How an operation is authorized. */
export type Authorization =
  | { kind: 'iam' }
  /** Through the named security schemes (authorizers), the first requirement that authorizes. */
  | { kind: 'schemes'; schemes: string[] }
  /** Declared open with `x-amazon-apigateway-auth` type NONE. */
  | { kind: 'public' }
  | { kind: 'none' }
  /** Not judged: a CORS preflight. */
  | { kind: 'preflight' };

/** Whether a security scheme is an authorizer (IAM, Cognito, Lambda), not an API key alone. */
function isAuthorizerScheme(scheme: unknown): boolean {
  return (
    isObject(scheme) &&
    (typeof scheme['x-amazon-apigateway-authtype'] === 'string' ||
      isObject(scheme['x-amazon-apigateway-authorizer']))
  );
}

/** How an operation is authorized, from its security requirement (else the definition's) and extensions. */
export function authorizationOf(definition: Definition, op: Operation): Authorization {
  if (isPreflight(op)) {
    return { kind: 'preflight' };
  }
  if (authType(op) === 'AWS_IAM') {
    return { kind: 'iam' };
  }
  const security: unknown = op.operation.security ?? definition.root.security;
  if (Array.isArray(security) && security.length > 0) {
    // Each entry is an alternative: an empty one, or one of API keys only, lets a caller in without credentials.
    const alternatives = security.map((requirement) =>
      isObject(requirement)
        ? Object.keys(requirement).filter((name) => isAuthorizerScheme(definition.schemes[name]))
        : [],
    );
    if (alternatives.every((schemes) => schemes.length > 0)) {
      const schemes = alternatives[0];
      const iam = schemes.some(
        (name) =>
          String((definition.schemes[name] as Json)['x-amazon-apigateway-authtype']).toLowerCase() ===
          'awssigv4',
      );
      return iam ? { kind: 'iam' } : { kind: 'schemes', schemes };
    }
  }
  return authType(op) === 'NONE' ? { kind: 'public' } : { kind: 'none' };
}

/** Whether an operation takes a request body: a method that carries one, or a declared body. */
function takesBody(op: Operation): boolean {
  if (['POST', 'PUT', 'PATCH', 'ANY'].includes(op.method) || op.operation.requestBody !== undefined) {
    return true;
  }
  const parameters: unknown = op.operation.parameters;
  return Array.isArray(parameters) && parameters.some((p) => isObject(p) && p.in === 'body');
}

/** Whether an operation that takes a body has it validated (true when it takes none or is a preflight). */
export function bodyValidated(definition: Definition, op: Operation): boolean {
  if (!takesBody(op) || isPreflight(op)) {
    return true;
  }
  const name: unknown =
    op.operation['x-amazon-apigateway-request-validator'] ??
    definition.root['x-amazon-apigateway-request-validator'];
  if (typeof name !== 'string') {
    return false;
  }
  const validator = definition.validators[name];
  return isObject(validator) && validator.validateRequestBody === true;
}

/** Whether an operation maps with a template request bodies that the binary media types make binary. */
export function mapsBinaryBodies(definition: Definition, op: Operation): boolean {
  const templates = op.integration?.requestTemplates;
  const binary: unknown = definition.root['x-amazon-apigateway-binary-media-types'];
  if (
    !isObject(templates) ||
    !Array.isArray(binary) ||
    op.integration?.contentHandling === 'CONVERT_TO_TEXT'
  ) {
    return false;
  }
  const types = binary.filter((t): t is string => typeof t === 'string');
  return Object.keys(templates).some((contentType) => types.some((t) => mediaTypeMatches(t, contentType)));
}

/** An operation a stage caches. */
export interface CachedOperation {
  readonly operation: Operation;
}

/** The method setting of a stage that applies to one method of a path, the most specific first. */
function methodSetting(settings: Json[], path: string, method: string): Json | undefined {
  const resourcePath = path === '/' ? '/' : `/${path.replace(/\//g, '~1')}`;
  const matches = (s: Json, p: string, m: string) => s.ResourcePath === p && s.HttpMethod === m;
  return (
    settings.find((s) => matches(s, resourcePath, method)) ??
    settings.find((s) => matches(s, resourcePath, '*')) ??
    settings.find((s) => matches(s, '/*', method)) ??
    settings.find((s) => matches(s, '/*', '*'))
  );
}

/**
 * Whether a method setting caches: it enables caching with a TTL other than 0 ("TTL=0 means caching is
 * disabled": "Cache settings for REST APIs in API Gateway", API Gateway developer guide; without a TTL the
 * stage's default of 300 seconds applies).
 */
function caches(setting: Json | undefined): boolean {
  return setting?.CachingEnabled === true && setting.CacheTtlInSeconds !== 0;
}

/**
 * The operations a stage caches: the stage has a cache cluster, and the method setting that applies
 * to the operation (for ANY, to any method it serves) enables caching with a TTL above 0.
 */
export function cachedOperations(definition: Definition, stage: Json): CachedOperation[] {
  if (stage.CacheClusterEnabled !== true) {
    return [];
  }
  const settings = (Array.isArray(stage.MethodSettings) ? stage.MethodSettings : []).filter(isObject);
  return operationsOf(definition)
    .filter((op) =>
      (op.method === 'ANY' ? ANY_METHODS : [op.method]).some((method) =>
        caches(methodSetting(settings, op.path, method)),
      ),
    )
    .map((operation) => ({ operation }));
}

/** The request values that identify the caller of an operation authorized by these schemes. */
function identitySources(definition: Definition, schemes: string[]): string[] {
  return schemes.flatMap((name) => {
    const scheme = definition.schemes[name] as Json;
    const authorizer = scheme['x-amazon-apigateway-authorizer'];
    if (isObject(authorizer) && typeof authorizer.identitySource === 'string') {
      return authorizer.identitySource.split(',').map((s: string) => s.trim());
    }
    if (scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string') {
      return [`method.request.header.${scheme.name}`];
    }
    return [];
  });
}

/**
 * Whether a cached operation serves one caller's responses to others: it is authorized, and its cache
 * key (the integration's cacheKeyParameters) leaves out a request value that identifies the caller.
 * An IAM-authorized operation has no such value to key by.
 */
export function sharesResponses(definition: Definition, op: Operation): boolean {
  const auth = authorizationOf(definition, op);
  if (auth.kind === 'iam') {
    return true;
  }
  if (auth.kind !== 'schemes') {
    return false;
  }
  const sources = identitySources(definition, auth.schemes).filter((s) => s.startsWith('method.request.'));
  const key: unknown = op.integration?.cacheKeyParameters;
  const keyed = new Set(Array.isArray(key) ? key : []);
  return sources.length === 0 || sources.some((s) => !keyed.has(s));
}
