import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * A CloudFront cache in front of the API, keyed so that one caller is never served another caller's
 * response.
 */
export interface CloudFrontCacheOptions {
  /**
   * How long CloudFront keeps a response whose origin sent no `Cache-Control` or `Expires` header:
   * whole seconds from 0 to 31,536,000 (one year). A response with `Cache-Control: no-store`,
   * `no-cache` or `private` is never cached.
   */
  readonly defaultTtl: Duration;

  /**
   * The longest CloudFront keeps a response, whatever its `Cache-Control` says: whole seconds from
   * `defaultTtl` to 31,536,000.
   * @default - the `defaultTtl`
   */
  readonly maxTtl?: Duration;

  /**
   * Request headers that, besides `Authorization`, are part of the cache key (and so reach the API), e.g.
   * the header of a Lambda authorizer's token or `Accept-Language`. At most 10 headers in all, counting
   * `Authorization` (and `Origin`, added when `cors` allows more than one origin).
   * @default - none
   */
  readonly keyHeaders?: string[];
}

/**
 * A CloudFront distribution the preset creates and owns in front of the API's stage.
 */
export interface CloudFrontOptions {
  /**
   * Alternate domain names of the distribution, e.g. `api.example.com`: lower-case host names, a
   * leading `*.` allowed. Requires `certificate`.
   * @default - only the distribution's own `*.cloudfront.net` name
   */
  readonly domainNames?: string[];

  /**
   * The certificate for `domainNames`, issued or imported in AWS Certificate Manager in us-east-1
   * (CloudFront reads certificates only there). With it, viewers must use TLS 1.2 or later.
   * @default - CloudFront's `*.cloudfront.net` certificate, for which CloudFront fixes the security policy
   * at TLSv1; the API's web ACL then refuses requests that arrived over TLS 1.0 or 1.1
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The viewer security policy with `certificate`: `TLS_V1_2_2021`, `TLS_V1_2_2025` or `TLS_V1_3_2025`.
   * @default cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
   */
  readonly minimumProtocolVersion?: cloudfront.SecurityPolicyProtocol;

  /**
   * An existing bucket for the distribution's access logs. CloudFront standard logging writes with S3
   * ACLs: the bucket's object ownership must not be `BUCKET_OWNER_ENFORCED`.
   * @default - a bucket the preset creates: private, encrypted, TLS only, retained, logs expired after `logRetention`
   */
  readonly logBucket?: s3.IBucket;

  /**
   * How long the access logs are kept in the bucket the preset creates: whole days, at least 1.
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;

  /**
   * A prefix for the access-log object names, e.g. `orders-api/`. It must not start with `/`.
   * @default - no prefix
   */
  readonly logFilePrefix?: string;

  /**
   * Cache responses at CloudFront. The cache key is the path, every query string, every cookie, the
   * `Authorization` header and `keyHeaders`, so each caller's responses are cached apart.
   * @default - CloudFront caches nothing; the stage's own cache (`caching`) still applies
   */
  readonly cache?: CloudFrontCacheOptions;

  /**
   * The countries viewers may (or may not) call the API from.
   * @default - no restriction
   */
  readonly geoRestriction?: cloudfront.GeoRestriction;

  /**
   * The ARN of a web ACL with CLOUDFRONT scope for the distribution. Such a web ACL exists only in
   * us-east-1, so it is created there (in a stack of its own) and its ARN passed here.
   * @default - no web ACL on the distribution; the API's regional web ACL inspects every request CloudFront forwards
   */
  readonly webAclArn?: string;

  /**
   * The edge locations that serve the API.
   * @default cloudfront.PriceClass.PRICE_CLASS_ALL
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * The response headers policy of the distribution.
   * @default - a policy that adds HSTS (one year), `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
   * `Referrer-Policy: strict-origin-when-cross-origin`, `X-XSS-Protection: 0` and, when the API sets none,
   * `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`
   */
  readonly responseHeadersPolicy?: cloudfront.IResponseHeadersPolicy;

  /**
   * How long CloudFront waits for the API's response: whole seconds, at least 1. Every route's
   * integration timeout must fit in it. A long one may need the account's CloudFront quota 'Response
   * timeout per origin' raised.
   * @default Duration.seconds(30)
   */
  readonly originReadTimeout?: Duration;
}
