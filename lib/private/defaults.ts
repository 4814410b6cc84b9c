import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';

/*
 * The security posture of every preset, in one place. Each function returns a fresh object.
 * Precedence everywhere is: what the preset requires > what the user set > these defaults,
 * applied per struct by the caller (never by a generic deep merge).
 */

/** The stage a preset creates when the user names none. */
export function defaultStageName(): string {
  return 'prod';
}

/** Stage-wide throttling: explicit values are required by the Serverless pack. */
export function defaultThrottling(): { rateLimit: number; burstLimit: number } {
  return { rateLimit: 1000, burstLimit: 500 };
}

/** Execution logging: errors only; full request/response data never by default. */
export function defaultExecutionLogging(): { level: apigw.MethodLoggingLevel; dataTrace: boolean } {
  return { level: apigw.MethodLoggingLevel.ERROR, dataTrace: false };
}

/**
 * Detailed (per-method) CloudWatch metrics: off, since CloudWatch bills each method's metrics as custom
 * metrics; the stage-wide metrics are sent either way.
 */
export function defaultDetailedMetricsEnabled(): boolean {
  return false;
}

/** X-Ray tracing on every stage. */
export function defaultTracingEnabled(): boolean {
  return true;
}

/** Access-log group: explicit retention, kept when the stack is deleted. */
export function defaultAccessLogGroup(): { retention: logs.RetentionDays; removalPolicy: RemovalPolicy } {
  return { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN };
}

/** Cache: default TTL when a route enables caching without one, and encryption at rest. */
export function defaultCache(): {
  ttl: Duration;
  encrypted: boolean;
  unauthorizedCacheControl: string;
  flushOnDeploy: boolean;
} {
  // An unsigned or unpermitted `Cache-Control: max-age=0` is refused outright, not silently ignored.
  return {
    ttl: Duration.seconds(300),
    encrypted: true,
    unauthorizedCacheControl: 'FAIL_WITH_403',
    flushOnDeploy: false,
  };
}

/** Lambda authorizer result cache. */
export function defaultAuthorizerResultsCacheTtl(): Duration {
  return Duration.minutes(5);
}

/** WAF: the AWS managed rule groups every web ACL starts with (none of them is billed extra). */
export function defaultWafManagedRuleGroups(): string[] {
  return [
    'AWSManagedRulesCommonRuleSet',
    'AWSManagedRulesKnownBadInputsRuleSet',
    'AWSManagedRulesAmazonIpReputationList',
  ];
}

/** WAF: requests per client IP in a 5-minute window before the rate-based rule blocks. */
export function defaultWafRateLimit(): number {
  return 2000;
}

/** Custom domains: TLS 1.2 at least (TLS 1.0 is refused). */
export function defaultDomainSecurityPolicy(): apigw.SecurityPolicy {
  return apigw.SecurityPolicy.TLS_1_2;
}

/**
 * Custom domains with an enhanced security policy: STRICT, which accepts requests only through the
 * domain's own endpoint type with a matching TLS server name, as API Gateway recommends for production.
 */
export function defaultDomainEndpointAccessMode(): apigw.EndpointAccessMode {
  return apigw.EndpointAccessMode.STRICT;
}

/** Custom domains: reachable over IPv4 and IPv6 (the only type a private domain accepts). */
export function defaultDomainIpAddressType(): apigw.IpAddressType {
  return apigw.IpAddressType.DUAL_STACK;
}

/** A RegionalApi's CloudFront front: what it is made with unless told otherwise. */
export function defaultCloudFront(): {
  logRetention: Duration;
  minimumProtocolVersion: cloudfront.SecurityPolicyProtocol;
  originReadTimeout: Duration;
  hstsMaxAge: Duration;
} {
  return {
    // Distribution access logs kept for a year, as the API's own access logs are.
    logRetention: Duration.days(365),
    // TLS 1.2 at least for viewers, with a certificate (the default certificate cannot be told).
    minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    // CloudFront's own default; a route's default integration timeout (29 s) fits under it.
    originReadTimeout: Duration.seconds(30),
    // Strict-Transport-Security for a year, without includeSubDomains, which would bind every subdomain too.
    hstsMaxAge: Duration.days(365),
  };
}
