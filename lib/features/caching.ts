import { Duration } from 'aws-cdk-lib';

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
