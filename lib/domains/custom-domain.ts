import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import {
  checkBasePath,
  checkCertificate,
  checkDomainName,
  checkHostedZone,
  checkIpAddressType,
  checkMutualTls,
  DomainTls,
  resolveDomainTls,
} from './domain-checks';
import { bindPrivateDomain, checkPrivateDomainReach } from './private-domain';
import { createPublicDomain, mapStage } from './public-domain';

/**
 * What every custom domain the library creates is made of: the name, its certificate, its TLS
 * settings and where its DNS records go.
 */
export interface DomainOptions {
  /**
   * The domain name, e.g. `api.example.com`: a lower-case host name without scheme, path, port or
   * trailing dot. A wildcard first label (`*.example.com`) is allowed on edge-optimized and regional
   * domains.
   */
  readonly domainName: string;

  /**
   * The ACM certificate for the domain name. An edge-optimized domain's certificate is in us-east-1
   * (CloudFront serves it); a regional or private domain's is in the API's Region. A certificate whose
   * Region is known at synth and is not the right one fails synth.
   */
  readonly certificate: acm.ICertificate;

  /**
   * The hosted zone to create the domain's alias records in (A, and AAAA on a dual-stack edge-optimized
   * or regional domain). It must hold the domain name.
   * @default - edge-optimized and regional: no records (create them in your DNS); private: a private
   * hosted zone named after the domain, created for the API's VPC
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The TLS security policy: TLS_1_2, or an enhanced policy (`SecurityPolicy_…`) made for the domain's
   * endpoint type. TLS_1_0 is refused.
   * @default apigw.SecurityPolicy.TLS_1_2
   */
  readonly securityPolicy?: apigw.SecurityPolicy;

  /**
   * The endpoint access mode, which API Gateway requires with an enhanced security policy and refuses
   * with a legacy one.
   * @default - apigw.EndpointAccessMode.STRICT with an enhanced security policy, none otherwise
   */
  readonly endpointAccessMode?: apigw.EndpointAccessMode;

  /**
   * Who can reach the domain: IPv4 clients only, or IPv4 and IPv6 clients. A private domain is always
   * dual-stack, the only type API Gateway accepts for it.
   * @default apigw.IpAddressType.DUAL_STACK
   */
  readonly ipAddressType?: apigw.IpAddressType;
}

/**
 * Mutual TLS on a regional custom domain: clients must present a certificate that the truststore
 * trusts.
 */
export interface MutualTlsOptions {
  /** The bucket that holds the truststore. */
  readonly bucket: s3.IBucket;

  /**
   * The truststore's object key in the bucket, e.g. `truststore.pem`: one PEM file of the trusted
   * certificates. An `s3://<bucket>/<key>` URI is accepted when it names `bucket` (by a name known at
   * synth), and reduced to its key.
   */
  readonly key: string;

  /**
   * The version of the truststore object, from a versioned bucket.
   * @default - the latest version
   */
  readonly version?: string;
}

/**
 * A custom domain name for a preset's API, mapped to its first stage.
 */
export interface CustomDomainOptions extends DomainOptions {
  /**
   * The base path the API's first stage is mapped to, e.g. `v1`: letters, digits and `$-_.+!*'()`,
   * without leading or trailing `/`. Several levels (`orders/v1`) on a regional domain only.
   * @default - the root of the domain
   */
  readonly basePath?: string;

  /**
   * Mutual TLS: clients must present a certificate the truststore in S3 trusts. Regional domains only,
   * with the TLS_1_2 security policy (API Gateway offers it neither on edge-optimized or private domains
   * nor with enhanced security policies).
   * @default - no mutual TLS
   */
  readonly mutualTls?: MutualTlsOptions;
}

/** A preset's custom domain, checked (a type alias: it hands constructs over). */
export type CheckedCustomDomain = {
  readonly options: CustomDomainOptions;
  readonly endpointType: apigw.EndpointType;
  readonly tls: DomainTls;
  readonly ipAddressType: apigw.IpAddressType;
  /** Whether the base path has several levels (mapped with an API mapping). */
  readonly multiLevel: boolean;
  /** The mutual TLS settings, with the truststore given by its object key. */
  readonly mutualTls?: MutualTlsOptions;
};

/** Where a preset's API and stage are, for its domain (a type alias: it hands constructs over). */
export type CustomDomainContext = {
  readonly restApi: apigw.SpecRestApi;
  readonly stage: apigw.Stage;
  readonly vpc?: ec2.IVpc;
  readonly vpcEndpoints?: ec2.IVpcEndpoint[];
};

/** The domain the API is reachable through (a type alias: it hands a construct over). */
export type CustomDomainBinding = {
  /** The API's URL on the domain. */
  readonly url: string;
  /** The edge-optimized or regional domain name (a private domain is the preset's Domain/Resource). */
  readonly domain?: apigw.DomainName;
};

/** The id of the construct a preset's custom domain is created as, under the preset. */
export const CUSTOM_DOMAIN_ID = 'Domain';

/** The URL of a base path on a domain, with a trailing slash as a stage's invoke URL has. */
export function domainUrl(domainName: string, basePath?: string): string {
  return `https://${domainName}/${basePath ? `${basePath}/` : ''}`;
}

/**
 * Checks a preset's `customDomain` for its endpoint type, before anything is created: the name, base
 * path, certificate, TLS settings, IP address type, mutual TLS and hosted zone. `executeApiEndpoint`
 * is whether the API keeps its default endpoint.
 */
export function checkCustomDomain(
  scope: IConstruct,
  options: CustomDomainOptions,
  endpointType: apigw.EndpointType,
  executeApiEndpoint: boolean,
): CheckedCustomDomain {
  const prefix = 'customDomain.';
  checkDomainName(scope, `${prefix}domainName`, options.domainName, {
    wildcard: endpointType !== apigw.EndpointType.PRIVATE,
  });
  const multiLevel =
    options.basePath !== undefined &&
    checkBasePath(scope, `${prefix}basePath`, options.basePath, endpointType).multiLevel;
  checkCertificate(scope, `${prefix}certificate`, options.certificate, endpointType);
  const tls = resolveDomainTls(
    scope,
    prefix,
    endpointType,
    options.securityPolicy,
    options.endpointAccessMode,
  );
  const ipAddressType = checkIpAddressType(scope, prefix, endpointType, options.ipAddressType);
  const mutualTls = options.mutualTls && {
    ...options.mutualTls,
    key: checkMutualTls(scope, prefix, options.mutualTls, endpointType, tls, executeApiEndpoint),
  };
  if (options.hostedZone) {
    checkHostedZone(scope, `${prefix}hostedZone`, options.hostedZone, options.domainName, endpointType);
  }
  return { options, endpointType, tls, ipAddressType, multiLevel, mutualTls };
}

/**
 * Checks that a private API's domain can be reached through the endpoints the preset has (see
 * private-domain.ts); nothing to check for other endpoint types.
 */
export function checkCustomDomainReach(
  scope: IConstruct,
  checked: CheckedCustomDomain,
  context: Pick<CustomDomainContext, 'vpc' | 'vpcEndpoints'>,
): void {
  if (checked.endpointType === apigw.EndpointType.PRIVATE) {
    checkPrivateDomainReach(scope, {
      domainName: checked.options.domainName,
      hostedZone: checked.options.hostedZone,
      vpc: context.vpc,
      vpcEndpoints: context.vpcEndpoints ?? [],
    });
  }
}

/**
 * Creates scope/Domain, checked by checkCustomDomain, and what makes it reach the API's first stage:
 * for an edge-optimized or regional API, the domain name (aws-cdk-lib's DomainName) with its mapping
 * and alias records; for a private API, the private domain name, its policy, mapping, access
 * associations and alias record (see private-domain.ts).
 */
export function bindCustomDomain(
  scope: Construct,
  checked: CheckedCustomDomain,
  context: CustomDomainContext,
): CustomDomainBinding {
  const { options, endpointType, tls } = checked;
  const url = domainUrl(options.domainName, options.basePath);
  if (endpointType === apigw.EndpointType.PRIVATE) {
    bindPrivateDomain(scope, CUSTOM_DOMAIN_ID, {
      domainName: options.domainName,
      certificate: options.certificate,
      tls,
      basePath: options.basePath,
      hostedZone: options.hostedZone,
      restApi: context.restApi,
      stage: context.stage,
      vpc: context.vpc,
      vpcEndpoints: context.vpcEndpoints ?? [],
    });
    return { url };
  }
  const domain = createPublicDomain(scope, CUSTOM_DOMAIN_ID, {
    domainName: options.domainName,
    certificate: options.certificate,
    endpointType,
    tls,
    ipAddressType: checked.ipAddressType,
    mutualTls: checked.mutualTls,
    hostedZone: options.hostedZone,
  });
  mapStage(domain, 'Mapping', context.restApi, context.stage, options.basePath, checked.multiLevel);
  return { url, domain };
}
