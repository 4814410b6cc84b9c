import { Arn, ArnFormat, Duration, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { IConstruct } from 'constructs';
import type { StageOptions } from '../gateway/options';
import { defaultCloudFront } from '../private/defaults';
import { PresetValidationError } from '../private/errors';
import { ApiAuthorization, AuthorizationKind } from '../security/auth';
import type { CloudFrontOptions } from './cloudfront-options';
import type { CorsOptions } from '../cors/cors';
import type { CustomDomainOptions } from '../domains/custom-domain';
import type { WafOptions } from '../security/waf';
import { ComplianceProfile } from '../compliance/compliance-profile';

/** What the CloudFront checks need from the preset's props. */
export interface CloudFrontContext {
  readonly authorization?: ApiAuthorization;
  readonly stages?: StageOptions[];
  readonly waf?: WafOptions;
  readonly customDomain?: CustomDomainOptions;
  readonly disableExecuteApiEndpoint?: boolean;
  readonly cors?: CorsOptions;
  readonly compliance?: ComplianceProfile;
}

/** The integration timeout of a route that sets none. */
const DEFAULT_ROUTE_TIMEOUT = Duration.seconds(29);
/** CloudFront's longest TTL in a cache policy that the library accepts: one year. */
const MAX_TTL_SECONDS = 31_536_000;
/** CloudFront quota: headers in one cache policy. */
const MAX_CACHE_KEY_HEADERS = 10;

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const CLOUDFRONT_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[^/]+$/;
const VIEWER_SECURITY_POLICIES: string[] = [
  cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
  cloudfront.SecurityPolicyProtocol.TLS_V1_2_2025,
  cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025,
];
/** Headers a cache policy cannot (or must not) hold, and why. */
const HEADERS_NOT_IN_KEY: Record<string, string> = {
  host: 'the execute-api endpoint answers only to its own host name, which CloudFront sends',
  'accept-encoding': 'CloudFront normalizes it itself (gzip and brotli are part of the key)',
  cookie: 'every cookie is already part of the key',
  authorization: 'it is always part of the key',
};

/** Checks the `cloudFront` options, and the preset's props they depend on, before anything is created. */
export function checkCloudFrontOptions(
  scope: IConstruct,
  options: CloudFrontOptions,
  props: CloudFrontContext,
): void {
  checkPresetProps(scope, props);
  checkViewerCertificate(scope, options);
  checkLogging(scope, options);
  if (options.webAclArn !== undefined && !Token.isUnresolved(options.webAclArn)) {
    if (!CLOUDFRONT_WEB_ACL_ARN.test(options.webAclArn)) {
      throw new PresetValidationError(
        scope,
        'cloudFront.webAclArn',
        options.webAclArn,
        'A distribution takes a web ACL with CLOUDFRONT scope, which exists only in us-east-1: ' +
          "'arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>'.",
      );
    }
  }
  if (options.originReadTimeout) {
    checkWholeSeconds(scope, 'cloudFront.originReadTimeout', options.originReadTimeout, 1, undefined);
  }
  if (options.cache) {
    checkCache(scope, options);
    checkCacheKeyCoversCaller(
      scope,
      options,
      props,
      'authorization',
      props.authorization ?? ApiAuthorization.iam(),
    );
  }
}

/** What is checked about a route behind the distribution. */
export interface RouteBehindCloudFront {
  /** `METHOD /path`, for messages. */
  readonly route: string;
  readonly authorization: ApiAuthorization;
  readonly timeout?: Duration;
  /** Whether the route streams its response. */
  readonly streamed: boolean;
}

/**
 * Throws when the route cannot work behind the distribution; returns its warnings (id, message).
 *
 * CloudFront's origin read timeout bounds the wait for the first byte of a response and for each next
 * packet. A buffered response arrives whole, so the route's timeout must fit in it; a streamed one may
 * run longer, as long as data keeps coming.
 */
export function checkRouteBehindCloudFront(
  scope: IConstruct,
  options: CloudFrontOptions,
  props: CloudFrontContext,
  route: RouteBehindCloudFront,
): Array<[string, string]> {
  checkNotIam(scope, `authorization of ${route.route}`, route.authorization, '');
  if (options.cache) {
    checkCacheKeyCoversCaller(scope, options, props, `authorization of ${route.route}`, route.authorization);
  }
  const timeout = route.timeout ?? DEFAULT_ROUTE_TIMEOUT;
  const readTimeout = options.originReadTimeout ?? defaultCloudFront().originReadTimeout;
  if (route.streamed) {
    const wait = readTimeout.isUnresolved()
      ? 'cloudFront.originReadTimeout'
      : `${readTimeout.toSeconds()} seconds`;
    return [
      [
        'cdk-apigateway-presets:streaming-idle-timeout',
        `${route.route} streams through the CloudFront distribution, which ends a response when no data comes ` +
          `for ${wait} (cloudFront.originReadTimeout), before the first byte too: send data at least that often.`,
      ],
    ];
  }
  if (!timeout.isUnresolved() && !readTimeout.isUnresolved()) {
    if (timeout.toMilliseconds() > readTimeout.toMilliseconds()) {
      throw new PresetValidationError(
        scope,
        `timeout of ${route.route}`,
        `${timeout.toMilliseconds() / 1000} seconds${route.timeout ? '' : ' (the default)'}`,
        `CloudFront waits ${readTimeout.toSeconds()} seconds for the API (cloudFront.originReadTimeout), so a longer ` +
          'integration would be cut off: raise cloudFront.originReadTimeout or shorten the timeout.',
      );
    }
  }
  return [];
}

/** The headers of the cache key: Authorization, Origin when CORS echoes one of several origins, and keyHeaders. */
export function cacheKeyHeaders(options: CloudFrontOptions, props: CloudFrontContext): string[] {
  const headers = ['Authorization'];
  if ((props.cors?.allowOrigins.length ?? 0) > 1) {
    // The API echoes the caller's Origin when several are allowed: responses differ by Origin.
    headers.push('Origin');
  }
  for (const header of options.cache?.keyHeaders ?? []) {
    if (!headers.some((h) => h.toLowerCase() === header.toLowerCase())) {
      headers.push(header);
    }
  }
  return headers;
}

function checkPresetProps(scope: IConstruct, props: CloudFrontContext): void {
  if (props.waf?.enabled === false) {
    throw new PresetValidationError(
      scope,
      'waf.enabled',
      false,
      "cloudFront needs the API's web ACL: its first rule blocks every request that does not come through the " +
        'distribution, and the execute-api endpoint the distribution calls cannot be turned off. Remove ' +
        '`enabled: false`, or remove cloudFront.',
    );
  }
  if (props.customDomain) {
    throw new PresetValidationError(
      scope,
      'customDomain',
      props.customDomain.domainName,
      'With cloudFront, clients reach the API through the distribution: give the domain to it ' +
        '(cloudFront.domainNames and cloudFront.certificate). A custom domain on the API turns off the ' +
        'execute-api endpoint the distribution calls.',
    );
  }
  if (props.disableExecuteApiEndpoint === true) {
    throw new PresetValidationError(
      scope,
      'disableExecuteApiEndpoint',
      true,
      "The distribution calls the API's execute-api endpoint, which the web ACL guards instead: requests without " +
        'the origin secret are blocked. Remove disableExecuteApiEndpoint.',
    );
  }
  const stages = props.stages ?? [];
  if (stages.length > 1) {
    throw new PresetValidationError(
      scope,
      'stages',
      stages.map((s) => s.stageName),
      'The distribution serves one stage, and the web ACL that every stage shares blocks requests that do not ' +
        'come through it, so other stages would be unreachable. Give one stage (one RegionalApi per environment).',
    );
  }
  checkNotIam(
    scope,
    'authorization',
    props.authorization ?? ApiAuthorization.iam(),
    props.authorization ? '' : ' (the default)',
  );
}

function checkNotIam(scope: IConstruct, prop: string, auth: ApiAuthorization, note: string): void {
  if (auth._config.kind === AuthorizationKind.IAM) {
    throw new PresetValidationError(
      scope,
      prop,
      `IAM authorization${note}`,
      'A SigV4 signature covers the Host header, and CloudFront sends the execute-api host name instead of the one ' +
        'the caller signed, so API Gateway would reject every call. Behind cloudFront use ApiAuthorization.cognito(), ' +
        'lambdaToken(), lambdaRequest() or none().',
    );
  }
}

function checkViewerCertificate(scope: IConstruct, options: CloudFrontOptions): void {
  const domainNames = options.domainNames;
  if (domainNames !== undefined && domainNames.length === 0) {
    throw new PresetValidationError(
      scope,
      'cloudFront.domainNames',
      [],
      'List at least one domain name, or leave domainNames out to use the *.cloudfront.net name.',
    );
  }
  if ((domainNames === undefined) !== (options.certificate === undefined)) {
    throw new PresetValidationError(
      scope,
      domainNames ? 'cloudFront.certificate' : 'cloudFront.domainNames',
      undefined,
      'Give domainNames and a certificate for them together: CloudFront serves an alternate domain name only with ' +
        'a certificate that covers it, and a certificate only for the alternate domain names.',
    );
  }
  const seen = new Set<string>();
  for (const name of domainNames ?? []) {
    if (Token.isUnresolved(name)) {
      continue;
    }
    if (name.length > 253 || !HOST_NAME.test(name)) {
      throw new PresetValidationError(
        scope,
        'cloudFront.domainNames',
        name,
        "A domain name is a lower-case host name, optionally starting with '*.', without scheme, path or port, " +
          "e.g. 'api.example.com'.",
      );
    }
    if (seen.has(name)) {
      throw new PresetValidationError(scope, 'cloudFront.domainNames', name, 'List each domain name once.');
    }
    seen.add(name);
  }
  const certificate = options.certificate;
  if (certificate) {
    const region = certificateRegion(certificate.certificateArn, certificate.env.region);
    if (region !== undefined && region !== 'us-east-1') {
      throw new PresetValidationError(
        scope,
        'cloudFront.certificate',
        certificate.certificateArn,
        `The certificate is in ${region}; CloudFront uses certificates from us-east-1 only. Request or import it ` +
          "there (e.g. in a stack with env: { region: 'us-east-1' }) and pass it with crossRegionReferences.",
      );
    }
  }
  const policy = options.minimumProtocolVersion;
  if (policy !== undefined) {
    if (!certificate) {
      throw new PresetValidationError(
        scope,
        'cloudFront.minimumProtocolVersion',
        policy,
        'It applies only with a certificate: CloudFront fixes the policy of its *.cloudfront.net certificate at ' +
          'TLSv1. Give domainNames and a certificate.',
      );
    }
    if (!VIEWER_SECURITY_POLICIES.includes(policy)) {
      throw new PresetValidationError(
        scope,
        'cloudFront.minimumProtocolVersion',
        policy,
        `Viewers must use TLS 1.2 or later: one of ${VIEWER_SECURITY_POLICIES.join(', ')}.`,
      );
    }
  }
}

/** The Region of a certificate, when it is known at synth. */
function certificateRegion(arn: string, envRegion: string): string | undefined {
  if (!Token.isUnresolved(arn)) {
    const region = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).region;
    if (region) {
      return region;
    }
  }
  return Token.isUnresolved(envRegion) ? undefined : envRegion;
}

function checkLogging(scope: IConstruct, options: CloudFrontOptions): void {
  if (options.logBucket && options.logRetention) {
    throw new PresetValidationError(
      scope,
      'cloudFront.logRetention',
      `${options.logRetention.toDays({ integral: false })} days`,
      'It sets the lifecycle of the bucket the preset creates; a given logBucket keeps its own lifecycle.',
    );
  }
  if (options.logRetention && !options.logRetention.isUnresolved()) {
    const days = options.logRetention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) {
      throw new PresetValidationError(
        scope,
        'cloudFront.logRetention',
        options.logRetention.toHumanString(),
        'A whole number of days, at least 1.',
      );
    }
  }
  const prefix = options.logFilePrefix;
  if (
    prefix !== undefined &&
    !Token.isUnresolved(prefix) &&
    (prefix.length === 0 || prefix.startsWith('/'))
  ) {
    throw new PresetValidationError(
      scope,
      'cloudFront.logFilePrefix',
      prefix,
      "A prefix of the log objects' keys, not empty and not starting with '/', e.g. 'orders-api/'.",
    );
  }
}

function checkCache(scope: IConstruct, options: CloudFrontOptions): void {
  const cache = options.cache!;
  checkWholeSeconds(scope, 'cloudFront.cache.defaultTtl', cache.defaultTtl, 0, MAX_TTL_SECONDS);
  if (cache.maxTtl) {
    const min = cache.defaultTtl.isUnresolved() ? 0 : cache.defaultTtl.toSeconds();
    checkWholeSeconds(scope, 'cloudFront.cache.maxTtl', cache.maxTtl, min, MAX_TTL_SECONDS);
  }
  const seen = new Set<string>();
  for (const header of cache.keyHeaders ?? []) {
    if (Token.isUnresolved(header)) {
      throw new PresetValidationError(
        scope,
        'cloudFront.cache.keyHeaders',
        header,
        'Header names must be known at synth: they are checked against the authorizers of every route.',
      );
    }
    if (!HEADER_NAME.test(header)) {
      throw new PresetValidationError(
        scope,
        'cloudFront.cache.keyHeaders',
        header,
        "A header name is letters, digits and !#$%&'*+.^_`|~-, e.g. 'X-Api-Token'.",
      );
    }
    const why = HEADERS_NOT_IN_KEY[header.toLowerCase()];
    if (why) {
      throw new PresetValidationError(scope, 'cloudFront.cache.keyHeaders', header, `Leave it out: ${why}.`);
    }
    if (seen.has(header.toLowerCase())) {
      throw new PresetValidationError(scope, 'cloudFront.cache.keyHeaders', header, 'List each header once.');
    }
    seen.add(header.toLowerCase());
  }
}

/** Throws unless every credential of the authorization is part of the CloudFront cache key. */
function checkCacheKeyCoversCaller(
  scope: IConstruct,
  options: CloudFrontOptions,
  props: CloudFrontContext,
  prop: string,
  auth: ApiAuthorization,
): void {
  const headers = cacheKeyHeaders(options, props);
  if (headers.length > MAX_CACHE_KEY_HEADERS) {
    throw new PresetValidationError(
      scope,
      'cloudFront.cache.keyHeaders',
      headers,
      `A CloudFront cache policy holds at most ${MAX_CACHE_KEY_HEADERS} headers, counting Authorization (and Origin ` +
        'when cors allows several origins).',
    );
  }
  const inKey = new Set(headers.map((h) => h.toLowerCase()));
  for (const source of auth._config.identitySources ?? []) {
    if (Token.isUnresolved(source)) {
      continue;
    }
    const header = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
    const missing =
      (header !== undefined && header.toLowerCase() !== 'cookie' && !inKey.has(header.toLowerCase())) ||
      source.startsWith('context.identity.');
    if (missing) {
      throw new PresetValidationError(
        scope,
        prop,
        source,
        header !== undefined
          ? `CloudFront caches responses by its cache key, and this credential is not in it: one caller could be ` +
              `served another's response. Add '${header}' to cloudFront.cache.keyHeaders.`
          : 'CloudFront cannot key its cache by the request context, so one caller could be served another ' +
              "caller's response: authorize by a header or query string, or leave cloudFront.cache out.",
      );
    }
  }
}

function checkWholeSeconds(
  scope: IConstruct,
  prop: string,
  duration: Duration,
  min: number,
  max: number | undefined,
): void {
  if (duration.isUnresolved()) {
    return;
  }
  const seconds = duration.toMilliseconds() / 1000;
  if (!Number.isInteger(seconds) || seconds < min || (max !== undefined && seconds > max)) {
    throw new PresetValidationError(
      scope,
      prop,
      duration.toHumanString(),
      max === undefined
        ? `A whole number of seconds, at least ${min}.`
        : `A whole number of seconds from ${min} to ${max.toLocaleString('en-US')}.`,
    );
  }
}
