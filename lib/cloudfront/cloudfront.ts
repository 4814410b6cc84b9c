import { Duration, Lazy, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { PresetAdditions, RouteToCheck } from '../gateway/preset-shape';
import { defaultCloudFront } from '../private/defaults';
import { ApiAuthorization } from '../security/auth';
import {
  CloudFrontContext,
  cacheKeyHeaders,
  checkCloudFrontOptions,
  checkRouteBehindCloudFront,
} from './cloudfront-checks';
import { ORIGIN_VERIFY_HEADER, originVerifyRule, VIEWER_IP_HEADER, viewerTlsRule } from './cloudfront-waf';

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

/** What the CloudFront front is built in front of (a type alias: it hands constructs over). */
export type CloudFrontTarget = {
  readonly restApi: apigw.IRestApi;
  readonly stage: apigw.Stage;
  readonly webAcl: wafv2.CfnWebACL;
};

/**
 * The CloudFront front of a regional API: checked and given its origin secret before the API is
 * built (so the API's web ACL can require the secret), then built in front of the API's stage.
 */
export class ApiCloudFront {
  /**
   * Checks the options against the preset's props and creates preset/OriginVerifySecret. Called from
   * the preset's `prepare`, before the API exists.
   */
  public static prepare(
    preset: Construct,
    options: CloudFrontOptions,
    props: CloudFrontContext,
  ): ApiCloudFront {
    checkCloudFrontOptions(preset, options, props);
    return new ApiCloudFront(preset, options, props);
  }

  /** The secret CloudFront sends in the origin-verify header, and the web ACL requires. */
  public readonly secret: secretsmanager.Secret;

  private built?: { distribution: cloudfront.Distribution; logBucket: s3.IBucket };
  private readonly defaultAuthorization: ApiAuthorization;

  private constructor(
    private readonly preset: Construct,
    private readonly options: CloudFrontOptions,
    private readonly props: CloudFrontContext,
  ) {
    this.defaultAuthorization = props.authorization ?? ApiAuthorization.iam();
    // Generated by Secrets Manager at deploy time: the value is never in the template or the cloud assembly.
    this.secret = new secretsmanager.Secret(preset, 'OriginVerifySecret', {
      description: `The ${ORIGIN_VERIFY_HEADER} header value CloudFront adds to every request to the API ${preset.node.path}; the API's web ACL blocks requests without it`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(this.secret.node.defaultChild as secretsmanager.CfnSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is the origin-verify header value that CloudFront sends and the API web ACL compares. CloudFormation ' +
        'resolves its dynamic references only when it creates or updates the distribution and the web ACL, so a value ' +
        'rotated by Secrets Manager would reach neither: the web ACL would keep the old value and CloudFront too, or, on ' +
        'the next deploy, the two would change minutes apart and block traffic in between. It is not a credential a ' +
        'person or client holds; it never appears in the template. docs/CLOUDFRONT.md describes how to replace it.',
    });
  }

  /**
   * What the preset adds to the API: the web ACL's first rules and its per-viewer rate limit, the URL
   * clients use, the route checks, and the distribution, built once the API exists.
   */
  public additions(): PresetAdditions {
    const secretValue = this.secret.secretValue.unsafeUnwrap();
    return {
      wafRules: [originVerifyRule(secretValue), ...(this.options.certificate ? [] : [viewerTlsRule()])],
      // Every request reaches the web ACL from a CloudFront address: its per-IP limit counts viewers.
      clientIpHeader: VIEWER_IP_HEADER,
      // And the resource policy sees that address too, and no signed request.
      front: {
        prop: 'cloudFront',
        sourceIpsInstead:
          'Restrict viewers at the distribution: a CLOUDFRONT-scope web ACL with an IP set rule (cloudFront.webAclArn), or cloudFront.geoRestriction.',
        unsigned: 'routes cannot use IAM authorization behind CloudFront',
      },
      // The stage's execute-api URL is blocked by the web ACL: the API is reached through the distribution.
      stageUrl: () => Lazy.string({ produce: () => this.url() }),
      stageUrlDescription: (stageName) =>
        `URL of the CloudFront distribution in front of the ${stageName} stage of ${this.preset.node.path}`,
      checkRoute: (route) => this.checkRoute(route),
      finish: (api) => this.build({ restApi: api.restApi, stage: api.stages[0], webAcl: api.webAcl! }),
    };
  }

  /** The distribution's URL, once built. */
  public url(): string {
    const domain = this.options.domainNames?.[0] ?? this.distribution.distributionDomainName;
    return `https://${domain}/`;
  }

  /** The distribution, once built. */
  public get distribution(): cloudfront.Distribution {
    if (!this.built) {
      throw new Error('The CloudFront distribution is built after the API');
    }
    return this.built.distribution;
  }

  /** The bucket the distribution's access logs go to, once built. */
  public get logBucket(): s3.IBucket {
    if (!this.built) {
      throw new Error('The CloudFront distribution is built after the API');
    }
    return this.built.logBucket;
  }

  /**
   * Throws when a route cannot work behind the distribution: IAM authorization (CloudFront replaces the
   * Host header the caller signed), a timeout longer than CloudFront waits, or a credential the cache
   * key does not include. Returns the route's warnings.
   */
  public checkRoute({ method, path, options, streamed }: RouteToCheck): Array<[string, string]> {
    return checkRouteBehindCloudFront(this.preset, this.options, this.props, {
      route: `${method.toUpperCase()} ${path}`,
      authorization: options.authorization ?? this.defaultAuthorization,
      timeout: options.timeout,
      streamed,
    });
  }

  /**
   * Creates the distribution in front of the stage (preset/Distribution), its log bucket
   * (preset/DistributionLogs) unless one was given, its response headers policy, cache policy and the
   * viewer-request function that passes on the viewer's IP address (which the web ACL's rate limit counts).
   */
  public build(target: CloudFrontTarget): void {
    const scope = this.preset;
    const options = this.options;
    const stack = Stack.of(scope);
    const logBucket =
      options.logBucket ?? createLogBucket(scope, options.logRetention ?? defaultCloudFront().logRetention);

    // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
    const viewerIp = new cloudfront.Function(scope, 'ViewerIpFunction', {
      comment: `Passes the viewer's IP address to the API in ${VIEWER_IP_HEADER}, replacing any the viewer sent`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(viewerIpFunctionCode()),
    });

    const origin = new origins.HttpOrigin(
      `${target.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      {
        originPath: `/${target.stage.stageName}`,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        readTimeout: options.originReadTimeout ?? defaultCloudFront().originReadTimeout,
        // A dynamic reference: CloudFormation puts the value in at deploy time.
        customHeaders: { [ORIGIN_VERIFY_HEADER]: this.secret.secretValue.unsafeUnwrap() },
      },
    );

    const certificate = options.certificate;
    // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
    const distribution = new cloudfront.Distribution(scope, 'Distribution', {
      comment: `In front of the REST API ${scope.node.path}`,
      defaultBehavior: {
        origin,
        // A plain HTTP request is refused, not redirected: a redirect would follow a request whose body and
        // credentials already crossed the network in clear, and clients may replay a POST as a GET.
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        cachePolicy: options.cache
          ? createCachePolicy(scope, options.cache, cacheKeyHeaders(options, this.props))
          : cloudfront.CachePolicy.CACHING_DISABLED,
        // Every viewer header but Host (the execute-api endpoint answers only to its own host name), every
        // query string and cookie, and CloudFront's viewer headers.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: options.responseHeadersPolicy ?? createResponseHeadersPolicy(scope),
        functionAssociations: [
          { function: viewerIp, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      domainNames: options.domainNames,
      certificate,
      minimumProtocolVersion: certificate
        ? (options.minimumProtocolVersion ?? defaultCloudFront().minimumProtocolVersion)
        : undefined,
      sslSupportMethod: certificate ? cloudfront.SSLMethod.SNI : undefined,
      enableLogging: true,
      logBucket,
      logFilePrefix: options.logFilePrefix,
      logIncludesCookies: false,
      geoRestriction: options.geoRestriction,
      webAclId: options.webAclArn,
      priceClass: options.priceClass,
      enableIpv6: true,
    });
    acknowledgeDistributionFindings(distribution, options);
    this.built = { distribution, logBucket };
  }
}

/** Sets the viewer's IP address in a header the viewer cannot forge: a header it sent is replaced. */
function viewerIpFunctionCode(): string {
  const header = VIEWER_IP_HEADER.toLowerCase();
  return [
    'function handler(event) {',
    '  var request = event.request;',
    `  request.headers['${header}'] = { value: event.viewer.ip };`,
    '  return request;',
    '}',
  ].join('\n');
}

/**
 * scope/DistributionLogs: private, SSE-S3, TLS only, retained, logs expired after `retention`. Object
 * ownership BUCKET_OWNER_PREFERRED keeps ACLs enabled, which CloudFront standard logging writes with.
 */
function createLogBucket(scope: Construct, retention: Duration): s3.Bucket {
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const bucket = new s3.Bucket(scope, 'DistributionLogs', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        id: 'ExpireAccessLogs',
        expiration: retention,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });
  Validations.of(bucket.node.defaultChild as s3.CfnBucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      "This bucket holds the CloudFront distribution's access logs, written by CloudFront's log delivery. S3 server " +
      'access logs of it would need a second bucket, whose own access logs would need a third; reads of the logs ' +
      'can be audited with CloudTrail data events instead.',
  });
  return bucket;
}

/**
 * scope/CloudFrontCache: every query string and cookie, `Authorization` and the given headers in the key,
 * so a cached response is only served to a request with the same credentials.
 */
function createCachePolicy(
  scope: Construct,
  cache: CloudFrontCacheOptions,
  headers: string[],
): cloudfront.CachePolicy {
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  return new cloudfront.CachePolicy(scope, 'CloudFrontCache', {
    comment: 'API responses, cached per caller: Authorization, cookies and query strings are in the key',
    minTtl: Duration.seconds(0),
    defaultTtl: cache.defaultTtl,
    maxTtl: cache.maxTtl ?? cache.defaultTtl,
    headerBehavior: cloudfront.CacheHeaderBehavior.allowList(...headers),
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    cookieBehavior: cloudfront.CacheCookieBehavior.all(),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
}

/** scope/ResponseHeaders: the security headers of an API response. */
function createResponseHeadersPolicy(scope: Construct): cloudfront.ResponseHeadersPolicy {
  const policy: cloudfront.ResponseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(
    // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
    scope,
    'ResponseHeaders',
    {
      // Policy names are unique per account, in every Region: the Region is part of the name.
      responseHeadersPolicyName: Lazy.string({
        produce: () =>
          `${Names.uniqueResourceName(policy, { maxLength: 100, allowedSpecialCharacters: '-_' })}-${Stack.of(policy).region}`,
      }),
      comment: 'Security headers for API responses',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: defaultCloudFront().hstsMaxAge, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        // `0`: the browsers' XSS auditor is gone or harmful (OWASP HTTP Headers Cheat Sheet); CSP replaces it.
        xssProtection: { protection: false, override: true },
        // Only when the API sets none: an API that serves its own pages keeps its policy.
        contentSecurityPolicy: {
          contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
          override: false,
        },
      },
    },
  );
  return policy;
}

/** The cdk-nag findings on the distribution that its options answer otherwise, each with its reason. */
function acknowledgeDistributionFindings(
  distribution: cloudfront.Distribution,
  options: CloudFrontOptions,
): void {
  const resource = distribution.node.defaultChild as cloudfront.CfnDistribution;
  if (!options.geoRestriction) {
    Validations.of(resource).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        "Which countries may call an API depends on where its users are and on the owner's legal obligations, which " +
        'the library cannot know; no restriction is the default, and cloudFront.geoRestriction sets one.',
    });
  }
  if (!options.webAclArn) {
    Validations.of(resource).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        "Every request the distribution forwards is inspected by the API's regional web ACL (AWS managed rule groups, " +
        'a per-viewer rate limit keyed by the viewer address CloudFront passes on) before it reaches the API. A ' +
        'web ACL for the distribution must have CLOUDFRONT scope and live in us-east-1, which a stack in another ' +
        'Region cannot create; cloudFront.webAclArn attaches one.',
    });
  }
  if (!options.certificate) {
    Validations.of(resource).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'With the default *.cloudfront.net certificate CloudFront fixes the viewer security policy at TLSv1, whatever ' +
        "the template says. The API's web ACL blocks every request whose CloudFront-Viewer-TLS header shows SSLv3, " +
        'TLS 1.0 or 1.1, so nothing is served over them, but such a request has already crossed the network over ' +
        'the old protocol. cloudFront.domainNames with a certificate enforces TLS 1.2 at the handshake.',
    });
  }
}
