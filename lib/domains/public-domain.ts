import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DomainTls } from './domain-checks';

/** An edge-optimized or regional domain, checked (a type alias: it hands constructs over). */
export type PublicDomainSettings = {
  readonly domainName: string;
  readonly certificate: acm.ICertificate;
  readonly endpointType: apigw.EndpointType;
  readonly tls: DomainTls;
  readonly ipAddressType: apigw.IpAddressType;
  readonly mutualTls?: { readonly bucket: s3.IBucket; readonly key: string; readonly version?: string };
  readonly hostedZone?: route53.IHostedZone;
};

/**
 * Creates scope/id, an edge-optimized or regional custom domain name (aws-cdk-lib's DomainName), and,
 * with a hosted zone, its alias records id/AliasA and (dual-stack) id/AliasAaaa.
 */
export function createPublicDomain(
  scope: Construct,
  id: string,
  settings: PublicDomainSettings,
): apigw.DomainName {
  const { domainName, endpointType, tls, hostedZone } = settings;
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the caller passes `this`
  const domain = new apigw.DomainName(scope, id, {
    domainName,
    certificate: settings.certificate,
    endpointType,
    securityPolicy: tls.securityPolicy,
    endpointAccessMode: tls.endpointAccessMode,
    mtls: settings.mutualTls,
  });
  // aws-cdk-lib's DomainName has no IP address type; the AAAA record needs a dual-stack domain.
  const cfnDomain = domain.node.defaultChild as apigw.CfnDomainName;
  cfnDomain.endpointConfiguration = { types: [endpointType], ipAddressType: settings.ipAddressType };
  if (hostedZone) {
    const target = route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(domain));
    new route53.ARecord(domain, 'AliasA', { zone: hostedZone, recordName: domainName, target });
    if (settings.ipAddressType === apigw.IpAddressType.DUAL_STACK) {
      new route53.AaaaRecord(domain, 'AliasAaaa', { zone: hostedZone, recordName: domainName, target });
    }
  }
  return domain;
}

/**
 * Maps a base path of the domain (its root when undefined) to a stage, as domain/id: a base path mapping
 * for one level, an API mapping (API Gateway's V2 resource, the only one that takes several levels)
 * for more.
 */
export function mapStage(
  domain: apigw.DomainName,
  id: string,
  restApi: apigw.IRestApi,
  stage: apigw.Stage,
  basePath: string | undefined,
  multiLevel: boolean,
): void {
  if (multiLevel) {
    new apigwv2.CfnApiMapping(domain, id, {
      domainName: domain.domainName,
      apiId: restApi.restApiId,
      stage: stage.stageName,
      apiMappingKey: basePath,
    });
    return;
  }
  new apigw.BasePathMapping(domain, id, { domainName: domain, restApi, stage, basePath });
}
