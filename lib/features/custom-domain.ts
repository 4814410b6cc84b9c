import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

/**
 * A custom domain name for a preset's API.
 */
export interface CustomDomainOptions {
  /** The domain name, e.g. `api.example.com`: a lower-case host name, without scheme, path or port. */
  readonly domainName: string;

  /** The certificate for the domain name. An edge-optimized API's certificate is in us-east-1. */
  readonly certificate: acm.ICertificate;

  /**
   * The hosted zone to create the domain's alias records in.
   * @default - no records are created
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The base path the API's first stage is mapped to on the domain, e.g. `v1`.
   * @default - the root of the domain
   */
  readonly basePath?: string;

  /**
   * The TLS security policy of the domain.
   * @default apigw.SecurityPolicy.TLS_1_2
   */
  readonly securityPolicy?: apigw.SecurityPolicy;

  /**
   * Keep the API's default `execute-api` endpoint reachable. Once a domain exists it is disabled, so
   * clients cannot go around the domain.
   * @default false
   */
  readonly keepExecuteApiEndpoint?: boolean;
}

/** What the engine needs to bind a domain (a type alias: it hands constructs over). */
export type CustomDomainContext = {
  readonly restApi: apigw.SpecRestApi;
  readonly stage: apigw.Stage;
  readonly endpointType: apigw.EndpointType;
  readonly vpc?: ec2.IVpc;
  readonly vpcEndpoints?: ec2.IVpcEndpoint[];
};

/** The domain the API is reachable through. */
export interface CustomDomainBinding {
  /** The API's URL on the domain. */
  readonly url: string;
  /** Whether the default `execute-api` endpoint is disabled. */
  readonly disableExecuteApiEndpoint: boolean;
}

/** Creates scope/Domain and what makes it reach the API. */
export function bindCustomDomain(
  scope: Construct,
  options: CustomDomainOptions,
  context: CustomDomainContext,
): CustomDomainBinding {
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const domain = new apigw.DomainName(scope, 'Domain', {
    domainName: options.domainName,
    certificate: options.certificate,
    endpointType: context.endpointType,
    securityPolicy: options.securityPolicy ?? apigw.SecurityPolicy.TLS_1_2,
  });
  domain.addBasePathMapping(context.restApi, { basePath: options.basePath, stage: context.stage });
  if (options.hostedZone) {
    const target = route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(domain));
    // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
    new route53.ARecord(scope, 'DomainA', {
      zone: options.hostedZone,
      recordName: options.domainName,
      target,
    });
    // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
    new route53.AaaaRecord(scope, 'DomainAaaa', {
      zone: options.hostedZone,
      recordName: options.domainName,
      target,
    });
  }
  return {
    url: `https://${options.domainName}/${options.basePath ? `${options.basePath}/` : ''}`,
    disableExecuteApiEndpoint: options.keepExecuteApiEndpoint !== true,
  };
}
