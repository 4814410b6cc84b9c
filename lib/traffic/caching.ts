import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { checkCacheTtl, METHOD_PARAMETER } from '../private/limits';
import { AuthorizationConfig, AuthorizationKind } from '../security/auth';

/**
 * Size of a stage's API Gateway cache cluster.
 */
export class CacheSize {
  /** 0.5 GB */
  public static readonly GB_0_5 = new CacheSize('0.5');
  /** 1.6 GB */
  public static readonly GB_1_6 = new CacheSize('1.6');
  /** 6.1 GB */
  public static readonly GB_6_1 = new CacheSize('6.1');
  /** 13.5 GB */
  public static readonly GB_13_5 = new CacheSize('13.5');
  /** 28.4 GB */
  public static readonly GB_28_4 = new CacheSize('28.4');
  /** 58.2 GB */
  public static readonly GB_58_2 = new CacheSize('58.2');
  /** 118 GB */
  public static readonly GB_118 = new CacheSize('118');
  /** 237 GB */
  public static readonly GB_237 = new CacheSize('237');

  /**
   * The size in gigabytes, as CloudFormation's `CacheClusterSize` expects it.
   */
  public readonly gigabytes: string;

  private constructor(gigabytes: string) {
    this.gigabytes = gigabytes;
  }
}

/**
 * What API Gateway does with a request that sends `Cache-Control: max-age=0` (asking for a fresh
 * response, which also replaces the cached one) without the `execute-api:InvalidateCache` permission
 * on the route (API Gateway API reference, MethodSetting `unauthorizedCacheControlHeaderStrategy`).
 * Whichever is chosen, such a request never invalidates the cache.
 */
export class UnauthorizedCacheControl {
  /** The request fails with HTTP 403. */
  public static readonly FAIL_WITH_403 = new UnauthorizedCacheControl('FAIL_WITH_403');
  /** The header is ignored: the request is answered (from the cache if it can be) with a warning header. */
  public static readonly SUCCEED_WITH_RESPONSE_HEADER = new UnauthorizedCacheControl(
    'SUCCEED_WITH_RESPONSE_HEADER',
  );
  /** The header is ignored silently: the request is answered (from the cache if it can be). */
  public static readonly SUCCEED_WITHOUT_RESPONSE_HEADER = new UnauthorizedCacheControl(
    'SUCCEED_WITHOUT_RESPONSE_HEADER',
  );

  /** The value of the method setting `unauthorizedCacheControlHeaderStrategy`. */
  public readonly strategy: string;

  private constructor(strategy: string) {
    this.strategy = strategy;
  }
}

/**
 * A stage's cache cluster. Routes opt in to caching with their own `cache` option.
 */
export interface StageCachingOptions {
  /**
   * Size of the cache cluster.
   * @default CacheSize.GB_0_5
   */
  readonly size?: CacheSize;

  /**
   * Time to live of cached responses for routes that do not set their own, from 0 to 3600 seconds.
   * @default Duration.seconds(300)
   */
  readonly ttl?: Duration;

  /**
   * Whether cached responses are encrypted at rest.
   * @default true
   */
  readonly encrypted?: boolean;

  /**
   * What a caller gets when it sends `Cache-Control: max-age=0` without the `execute-api:InvalidateCache`
   * permission (see `grantInvalidateCache`). The preset requires that permission on every method of the
   * stage and sets this after each deployment, since CloudFormation has no property for either.
   * @default UnauthorizedCacheControl.FAIL_WITH_403
   */
  readonly unauthorizedCacheControl?: UnauthorizedCacheControl;

  /**
   * Flush the stage's whole cache each time the stage starts serving a new deployment (a changed API
   * definition), so no response cached from the previous definition is served after it.
   * @default false
   */
  readonly flushOnDeploy?: boolean;
}

/**
 * How a route's responses are cached, in every stage that has a cache cluster.
 */
export interface RouteCacheOptions {
  /**
   * Time to live of this route's cached responses, from 0 to 3600 seconds.
   * @default the stage's `caching.ttl`
   */
  readonly ttl?: Duration;

  /**
   * Method request parameters that are part of the cache key, e.g.
   * `method.request.path.id` or `method.request.querystring.page`. The route's path
   * variables are always part of the key.
   * @default - the route's path variables, plus the caller's identity unless `shared` is true
   */
  readonly keyParameters?: string[];

  /**
   * Whether one caller's cached response may be served to another caller.
   *
   * When false, the cache key of an authorized route includes the caller's credentials
   * (the authorizer's identity sources), so every caller gets only their own responses.
   * IAM-authorized routes cannot be keyed by caller and must set this to true to be cached.
   * @default false
   */
  readonly shared?: boolean;

  /**
   * Cache a route whose method is not GET or HEAD.
   * @default false
   */
  readonly allowNonReadMethod?: boolean;
}

/** The route whose cache key is derived. */
export interface CachedRoute {
  readonly method: string;
  readonly path: string;
  readonly pathVariables: string[];
  /** The query-string and header parameters the route declares. */
  readonly requestParameters?: { [name: string]: boolean };
  readonly authorization: AuthorizationConfig;
}

/** The API's stages, as far as caching is concerned. */
export interface CacheClusters {
  readonly stageNames: string[];
  /** Whether at least one stage has a cache cluster. */
  readonly any: boolean;
}

/**
 * The integration's cache key for a route, or undefined when the route is not cached: its path
 * variables, the declared key parameters, and, unless the route's responses are shared, the caller's
 * credentials, so one caller is never served another caller's cached response.
 */
export function routeCacheKey(
  scope: IConstruct,
  route: CachedRoute,
  cache: RouteCacheOptions | undefined,
  clusters: CacheClusters,
): string[] | undefined {
  if (!cache) {
    return undefined;
  }
  const prop = `cache of ${route.method} ${route.path}`;
  if (!['GET', 'HEAD'].includes(route.method) && !cache.allowNonReadMethod) {
    throw new PresetValidationError(
      scope,
      prop,
      route.method,
      'Only GET and HEAD routes are cached unless the route sets cache.allowNonReadMethod: true.',
    );
  }
  if (!clusters.any) {
    throw new PresetValidationError(
      scope,
      prop,
      `stages ${clusters.stageNames.join(', ')} without a cache cluster`,
      'No stage has a cache cluster; set `caching` on the API or on a stage.',
    );
  }
  if (cache.ttl) {
    checkCacheTtl(scope, `${prop}.ttl`, cache.ttl);
  }
  const keys = new Set(route.pathVariables.map((v) => `method.request.path.${v}`));
  for (const parameter of cache.keyParameters ?? []) {
    if (!METHOD_PARAMETER.test(parameter)) {
      throw new PresetValidationError(
        scope,
        `${prop}.keyParameters`,
        parameter,
        "A cache key is a method request parameter such as 'method.request.querystring.page' or 'method.request.header.Accept-Language'.",
      );
    }
    if (parameter.startsWith('method.request.path.') && !keys.has(parameter)) {
      throw new PresetValidationError(
        scope,
        `${prop}.keyParameters`,
        parameter,
        `The route's path variables are ${route.pathVariables.map((v) => `{${v}}`).join(', ') || 'none'}.`,
      );
    }
    if (!parameter.startsWith('method.request.path.') && route.requestParameters?.[parameter] === undefined) {
      // A key the route does not declare is most likely a typo, and would key on a value never sent.
      throw new PresetValidationError(
        scope,
        `${prop}.keyParameters`,
        parameter,
        `A cache key must be a parameter of the route: declare it in requestParameters, e.g. { '${parameter}': false }.`,
      );
    }
    keys.add(parameter);
  }
  if (!cache.shared && route.authorization.kind !== AuthorizationKind.NONE) {
    for (const identity of callerCacheKeys(scope, route.authorization, prop)) {
      keys.add(identity);
    }
  }
  return [...keys];
}

/** The request values that identify the caller of an authorized route; throws when there are none. */
function callerCacheKeys(scope: IConstruct, auth: AuthorizationConfig, prop: string): string[] {
  if (auth.kind === AuthorizationKind.IAM) {
    throw new PresetValidationError(
      scope,
      prop,
      'IAM authorization',
      "API Gateway cannot key a cache by IAM caller, so one caller could receive another caller's response. Set cache.shared: true if the responses are the same for every caller, or do not cache the route.",
    );
  }
  const sources = (auth.identitySources ?? []).filter((s) => s.startsWith('method.request.'));
  if (sources.length === 0) {
    throw new PresetValidationError(
      scope,
      prop,
      auth.identitySources,
      'The authorizer has no header or query-string identity source to key the cache by caller. Add one, or set cache.shared: true if the responses are the same for every caller.',
    );
  }
  return sources;
}
