import { Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import {
  defaultDomainEndpointAccessMode,
  defaultDomainIpAddressType,
  defaultDomainSecurityPolicy,
} from '../private/defaults';
import { PresetValidationError } from '../private/errors';

/*
 * What API Gateway accepts for custom domain names, checked at synth. Sources (docs/CUSTOM-DOMAINS.md
 * links each): the custom domain name guides for public and private REST APIs, "Use API mappings to
 * connect API stages to a custom domain name for REST APIs" (base path rules), "Choose a security
 * policy for your custom domain" and "Supported security policies", and "Configuring mutual TLS
 * authentication for a REST API". Values that are tokens are passed through unchecked.
 */

/** The longest host name DNS allows (RFC 1035), without the trailing dot. */
export const MAX_DOMAIN_NAME_LENGTH = 253;
/** The longest base path of an API mapping. */
export const MAX_BASE_PATH_LENGTH = 300;
/** One DNS label: 1-63 lower-case letters, digits and hyphens, no hyphen at either end. */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** The characters API Gateway allows in a base path (API mapping key). */
const BASE_PATH_CHARACTERS = /^[A-Za-z0-9$\-_.+!*'()/]+$/;
/** An ACM certificate's ARN (API Gateway takes certificates from ACM only). */
const ACM_CERTIFICATE_ARN = /^arn:[a-z-]+:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
/** Where CloudFront, hence an edge-optimized custom domain, takes its certificate from. */
export const EDGE_CERTIFICATE_REGION = 'us-east-1';

/** A readable name of an endpoint type for messages. */
export function endpointName(endpointType: apigw.EndpointType): string {
  switch (endpointType) {
    case apigw.EndpointType.EDGE:
      return 'edge-optimized';
    case apigw.EndpointType.PRIVATE:
      return 'private';
    default:
      return 'regional';
  }
}

/**
 * Checks a custom domain name: a lower-case host name of at least two labels, without scheme, path,
 * port or trailing dot. A wildcard (`*.`) first label is allowed where API Gateway has wildcard custom
 * domain names (edge-optimized and regional).
 */
export function checkDomainName(
  scope: IConstruct,
  prop: string,
  domainName: string,
  options: { readonly wildcard: boolean },
): void {
  if (Token.isUnresolved(domainName)) {
    return;
  }
  const fail = (reason: string): never => {
    throw new PresetValidationError(
      scope,
      prop,
      domainName,
      `${reason} A custom domain name is a lower-case host name such as "api.example.com": at least two ` +
        `labels of 1-63 letters, digits and hyphens (not at either end), at most ${MAX_DOMAIN_NAME_LENGTH} characters.`,
    );
  };
  if (domainName.includes('://')) {
    fail('It has a scheme: give the host name only.');
  }
  if (domainName.includes('/')) {
    fail('It has a path: give the host name only, and the path as basePath.');
  }
  if (domainName.includes(':')) {
    fail('It has a port: API Gateway serves custom domains on 443 only.');
  }
  if (/[A-Z]/.test(domainName)) {
    fail('It has upper-case letters, which API Gateway does not accept.');
  }
  if (domainName.endsWith('.')) {
    fail('It ends with a dot: leave the root dot out.');
  }
  if (domainName.length > MAX_DOMAIN_NAME_LENGTH) {
    fail(`It is ${domainName.length} characters long.`);
  }
  const labels = domainName.split('.');
  if (labels.length < 2) {
    fail('It has a single label.');
  }
  labels.forEach((label, index) => {
    if (label === '*' && index === 0) {
      if (!options.wildcard) {
        fail('Wildcard custom domain names are for edge-optimized and regional APIs, not private ones.');
      }
      return;
    }
    if (!LABEL.test(label)) {
      fail(`Its label "${label}" is not a DNS label.`);
    }
  });
}

/**
 * Checks a base path: what callers put after the domain, e.g. `v1` or (regional domains only)
 * `orders/v1`. Returns whether it has more than one level. An empty base path is not a base path:
 * callers leave it out to map the domain's root.
 */
export function checkBasePath(
  scope: IConstruct,
  prop: string,
  basePath: string,
  endpointType: apigw.EndpointType,
): { multiLevel: boolean } {
  if (Token.isUnresolved(basePath)) {
    return { multiLevel: false };
  }
  const fail = (reason: string): never => {
    throw new PresetValidationError(
      scope,
      prop,
      basePath,
      `${reason} A base path is what callers put after the domain, such as "v1": letters, digits and ` +
        `$-_.+!*'() , at most ${MAX_BASE_PATH_LENGTH} characters; levels ("orders/v1") only on a regional domain.`,
    );
  };
  if (basePath === '' || basePath === '(none)') {
    fail('To map the root of the domain, leave the base path out.');
  }
  if (basePath.startsWith('/') || basePath.endsWith('/')) {
    fail(`It starts or ends with "/": write "${basePath.replace(/^\/+|\/+$/g, '')}".`);
  }
  if (basePath.includes('//')) {
    fail('It has an empty level.');
  }
  if (!BASE_PATH_CHARACTERS.test(basePath)) {
    fail('It has a character API Gateway does not allow in a base path.');
  }
  if (basePath.length > MAX_BASE_PATH_LENGTH) {
    fail(`It is ${basePath.length} characters long.`);
  }
  const multiLevel = basePath.includes('/');
  if (multiLevel && endpointType !== apigw.EndpointType.REGIONAL) {
    fail(
      `It has more than one level, which API Gateway maps on regional domains only, not ${endpointName(endpointType)} ones.`,
    );
  }
  return { multiLevel };
}

/** The security policy and endpoint access mode a domain gets. */
export type DomainTls = {
  readonly securityPolicy: apigw.SecurityPolicy;
  readonly endpointAccessMode?: apigw.EndpointAccessMode;
};

/** Whether a policy is one of API Gateway's enhanced security policies (`SecurityPolicy_…`). */
export function isEnhancedSecurityPolicy(policy: string): boolean {
  return !Token.isUnresolved(policy) && policy.startsWith('SecurityPolicy_');
}

/**
 * The domain's TLS settings: TLS 1.2 at least, and a policy made for the endpoint type (the enhanced
 * policies ending in `_EDGE` for edge-optimized domains, the others for regional and private ones).
 * An enhanced policy needs an endpoint access mode, STRICT unless given; a legacy one takes none.
 */
export function resolveDomainTls(
  scope: IConstruct,
  prefix: string,
  endpointType: apigw.EndpointType,
  securityPolicy: apigw.SecurityPolicy | undefined,
  endpointAccessMode: apigw.EndpointAccessMode | undefined,
): DomainTls {
  const policy = securityPolicy ?? defaultDomainSecurityPolicy();
  if (Token.isUnresolved(policy)) {
    return { securityPolicy: policy, endpointAccessMode };
  }
  const edge = endpointType === apigw.EndpointType.EDGE;
  const allowed = edge
    ? 'TLS_1_2 or an enhanced policy for edge-optimized endpoints (TLS13_2025_EDGE, TLS12_PFS_2025_EDGE, TLS12_2018_EDGE)'
    : `TLS_1_2 or an enhanced policy for regional and private endpoints (TLS13_1_3_2025_09, TLS13_1_3_FIPS_2025_09, TLS13_1_2_PQ_2025_09, TLS13_1_2_PFS_PQ_2025_09)`;
  if (policy === apigw.SecurityPolicy.TLS_1_0) {
    throw new PresetValidationError(
      scope,
      `${prefix}securityPolicy`,
      policy,
      `The library requires TLS 1.2 at least on a custom domain; use ${allowed}.`,
    );
  }
  const enhanced = isEnhancedSecurityPolicy(policy);
  if (enhanced && policy.endsWith('_EDGE') !== edge) {
    throw new PresetValidationError(
      scope,
      `${prefix}securityPolicy`,
      policy,
      `This policy is not offered for ${endpointName(endpointType)} domains; use ${allowed}.`,
    );
  }
  if (!enhanced && endpointAccessMode !== undefined) {
    throw new PresetValidationError(
      scope,
      `${prefix}endpointAccessMode`,
      endpointAccessMode,
      `An endpoint access mode goes with an enhanced security policy (SecurityPolicy_…) only, not with ${policy}; remove it or choose an enhanced policy.`,
    );
  }
  return {
    securityPolicy: policy,
    endpointAccessMode: enhanced ? (endpointAccessMode ?? defaultDomainEndpointAccessMode()) : undefined,
  };
}

/**
 * The Region of a certificate when it is known at synth: from a literal ARN, or from the stack of a
 * certificate created in this app. Undefined when it is only known at deploy time.
 */
export function certificateRegion(certificate: acm.ICertificate): string | undefined {
  const arn = certificate.certificateArn;
  if (!Token.isUnresolved(arn)) {
    return ACM_CERTIFICATE_ARN.exec(arn)?.[1];
  }
  if (certificate instanceof acm.Certificate || certificate instanceof acm.PrivateCertificate) {
    const region = Stack.of(certificate).region;
    return Token.isUnresolved(region) ? undefined : region;
  }
  return undefined;
}

/**
 * Checks the certificate's ARN and Region: an edge-optimized domain's certificate is in us-east-1 (it
 * is served by CloudFront); a regional or private domain's is in the API's Region.
 */
export function checkCertificate(
  scope: IConstruct,
  prop: string,
  certificate: acm.ICertificate,
  endpointType: apigw.EndpointType,
): void {
  const arn = certificate.certificateArn;
  if (!Token.isUnresolved(arn) && !ACM_CERTIFICATE_ARN.test(arn)) {
    throw new PresetValidationError(
      scope,
      prop,
      arn,
      'API Gateway takes custom domain certificates from AWS Certificate Manager: give an ACM certificate ' +
        '(arn:aws:acm:<region>:<account>:certificate/<id>).',
    );
  }
  const region = certificateRegion(certificate);
  if (region === undefined) {
    return;
  }
  if (endpointType === apigw.EndpointType.EDGE) {
    if (region !== EDGE_CERTIFICATE_REGION) {
      throw new PresetValidationError(
        scope,
        prop,
        Token.isUnresolved(arn) ? `a certificate in ${region}` : arn,
        `An edge-optimized domain is served by CloudFront, which takes its certificate from ${EDGE_CERTIFICATE_REGION} only; ` +
          `this one is in ${region}. Request or import the certificate in ${EDGE_CERTIFICATE_REGION} ` +
          '(docs/CUSTOM-DOMAINS.md shows how from a stack in another Region), or use a regional API.',
      );
    }
    return;
  }
  const apiRegion = Stack.of(scope).region;
  if (!Token.isUnresolved(apiRegion) && region !== apiRegion) {
    throw new PresetValidationError(
      scope,
      prop,
      Token.isUnresolved(arn) ? `a certificate in ${region}` : arn,
      `A ${endpointName(endpointType)} domain's certificate must be in the API's Region, ${apiRegion}; this one is in ${region}.`,
    );
  }
}

/**
 * Checks that the hosted zone holds the domain name (aws-cdk-lib would otherwise append the zone's
 * name to the record name and create a record nobody asks for), and, for a private domain, that the
 * zone is not public.
 */
export function checkHostedZone(
  scope: IConstruct,
  prop: string,
  zone: route53.IHostedZone,
  domainName: string,
  endpointType: apigw.EndpointType,
): void {
  if (endpointType === apigw.EndpointType.PRIVATE && zone instanceof route53.PublicHostedZone) {
    throw new PresetValidationError(
      scope,
      prop,
      zone.node.path,
      "A private domain's record belongs in a private hosted zone associated with the callers' VPC; give a " +
        'route53.PrivateHostedZone, or leave hostedZone out to have one created for the VPC.',
    );
  }
  let zoneName: string;
  try {
    zoneName = zone.zoneName;
  } catch {
    // route53.HostedZone.fromHostedZoneId: the record's name cannot be made without the zone's.
    throw new PresetValidationError(
      scope,
      prop,
      zone.node.path,
      "The domain's records are named within the zone, whose name this import does not carry: import it " +
        'with route53.HostedZone.fromHostedZoneAttributes({ hostedZoneId, zoneName }).',
    );
  }
  if (Token.isUnresolved(zoneName) || Token.isUnresolved(domainName)) {
    return;
  }
  const name = zoneName.replace(/\.$/, '');
  if (domainName !== name && !domainName.endsWith(`.${name}`)) {
    throw new PresetValidationError(
      scope,
      prop,
      zoneName,
      `The hosted zone ${name} cannot hold a record for ${domainName}: give the zone of the domain name or of one of its parents.`,
    );
  }
}

/**
 * The domain's IP address type: dual-stack unless IPv4 only is asked for; a private domain is always
 * dual-stack, the only type API Gateway accepts for it.
 */
export function checkIpAddressType(
  scope: IConstruct,
  prefix: string,
  endpointType: apigw.EndpointType,
  ipAddressType: apigw.IpAddressType | undefined,
): apigw.IpAddressType {
  const type = ipAddressType ?? defaultDomainIpAddressType();
  if (endpointType === apigw.EndpointType.PRIVATE && type !== apigw.IpAddressType.DUAL_STACK) {
    throw new PresetValidationError(
      scope,
      `${prefix}ipAddressType`,
      type,
      'API Gateway accepts only dual-stack private custom domain names; leave ipAddressType out.',
    );
  }
  return type;
}

/**
 * Checks mutual TLS: regional domains only, with the TLS_1_2 policy, a truststore key, and the default
 * execute-api endpoint disabled (through it, clients would skip the client certificate). Returns the
 * truststore's object key: the key given, or the key of an `s3://<bucket>/<key>` URI of the same bucket
 * (aws-cdk-lib builds the truststore URI from the bucket and the key, so a URI given as the key would
 * name the bucket twice).
 */
export function checkMutualTls(
  scope: IConstruct,
  prefix: string,
  mutualTls: {
    readonly bucket: { readonly bucketName: string };
    readonly key: string;
    readonly version?: string;
  },
  endpointType: apigw.EndpointType,
  tls: DomainTls,
  executeApiEndpoint: boolean,
): string {
  const prop = `${prefix}mutualTls`;
  if (endpointType !== apigw.EndpointType.REGIONAL) {
    throw new PresetValidationError(
      scope,
      prop,
      `${endpointName(endpointType)} domain`,
      'API Gateway offers mutual TLS on regional custom domains only (not on edge-optimized domains, nor for private APIs).',
    );
  }
  const { version } = mutualTls;
  const key = truststoreKey(scope, `${prop}.key`, mutualTls.key, mutualTls.bucket.bucketName);
  if (!Token.isUnresolved(key) && (key.trim() === '' || key.startsWith('/'))) {
    throw new PresetValidationError(
      scope,
      `${prop}.key`,
      mutualTls.key,
      "The truststore's object key in the bucket, without a leading '/', e.g. \"truststore.pem\".",
    );
  }
  if (version !== undefined && !Token.isUnresolved(version) && version.trim() === '') {
    throw new PresetValidationError(
      scope,
      `${prop}.version`,
      version,
      "An S3 object version id; leave version out to use the truststore's latest version.",
    );
  }
  const policy = tls.securityPolicy;
  if (!Token.isUnresolved(policy) && policy !== apigw.SecurityPolicy.TLS_1_2) {
    throw new PresetValidationError(
      scope,
      `${prefix}securityPolicy`,
      policy,
      'API Gateway enables mutual TLS only on domains with the TLS_1_2 security policy, not with an enhanced one; use TLS_1_2 or drop mutualTls.',
    );
  }
  if (executeApiEndpoint) {
    throw new PresetValidationError(
      scope,
      'disableExecuteApiEndpoint',
      false,
      'With mutual TLS the default execute-api endpoint must be disabled: clients could call it without a certificate. Remove disableExecuteApiEndpoint: false.',
    );
  }
  return key;
}

const S3_URI = /^s3:\/\/([^/]*)\/?(.*)$/i;

/**
 * The object key of a truststore `key` that may be given as an `s3://<bucket>/<key>` URI (the form of
 * CloudFormation's `TruststoreUri`): accepted when it names the given bucket, refused otherwise, and
 * when the bucket's name is only known at deploy.
 */
function truststoreKey(scope: IConstruct, prop: string, key: string, bucketName: string): string {
  if (Token.isUnresolved(key)) {
    return key;
  }
  const uri = S3_URI.exec(key);
  if (!uri) {
    return key;
  }
  const [, uriBucket, uriKey] = uri;
  if (Token.isUnresolved(bucketName)) {
    throw new PresetValidationError(
      scope,
      prop,
      key,
      "The truststore's object key in mutualTls.bucket, not an s3:// URI: the bucket's name is known only at " +
        `deploy, so the URI cannot be checked against it. Give the key alone, e.g. ${JSON.stringify(uriKey || 'truststore.pem')}.`,
    );
  }
  if (uriBucket !== bucketName) {
    throw new PresetValidationError(
      scope,
      prop,
      key,
      `The truststore's object key in mutualTls.bucket (${bucketName}); this URI names the bucket ${JSON.stringify(uriBucket)}. ` +
        `Give the key alone, e.g. ${JSON.stringify(uriKey || 'truststore.pem')}, and the bucket that holds it as mutualTls.bucket.`,
    );
  }
  return uriKey;
}
