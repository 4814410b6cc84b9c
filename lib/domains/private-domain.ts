import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct, IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { DomainTls } from './domain-checks';
import { privateApiPolicy } from '../security/resource-policy';

/** A private API's custom domain, checked (a type alias: it hands constructs over). */
export type PrivateDomainSettings = {
  readonly domainName: string;
  readonly certificate: acm.ICertificate;
  readonly tls: DomainTls;
  readonly basePath?: string;
  readonly hostedZone?: route53.IHostedZone;
  readonly restApi: apigw.IRestApi;
  readonly stage: apigw.Stage;
  /** The VPC the preset created its endpoint in, if it did. */
  readonly vpc?: ec2.IVpc;
  /** The API's VPC endpoints: the only way to the domain. */
  readonly vpcEndpoints: ec2.IVpcEndpoint[];
};

/** What a private custom domain is made of (a type alias: it hands constructs over). */
export type PrivateDomain = {
  readonly domainName: apigw.CfnDomainNameV2;
  readonly mapping: apigw.CfnBasePathMappingV2;
  readonly accessAssociations: apigw.CfnDomainNameAccessAssociation[];
  readonly hostedZone: route53.IHostedZone;
  readonly record: route53.ARecord;
};

/**
 * The private domain's policy: `execute-api:Invoke` on the domain through the API's VPC endpoints,
 * and every other request denied explicitly (the same statements as the private API's own policy).
 */
export function privateDomainPolicy(endpoints: ec2.IVpcEndpoint[]): { [key: string]: unknown } {
  return { Version: '2012-10-17', Statement: privateApiPolicy(endpoints) };
}

/**
 * Checks that a private domain can be reached: through the API's VPC endpoints, one of them an endpoint
 * construct of this app (the alias record needs its DNS name), in a hosted zone given or created for the
 * preset's VPC. Returns the endpoint the alias record points at.
 */
export function checkPrivateDomainReach(
  scope: IConstruct,
  settings: Pick<PrivateDomainSettings, 'domainName' | 'hostedZone' | 'vpc' | 'vpcEndpoints'>,
): ec2.InterfaceVpcEndpoint {
  const { domainName, vpcEndpoints } = settings;
  if (vpcEndpoints.length === 0) {
    throw new PresetValidationError(
      scope,
      'customDomain',
      domainName,
      "A private custom domain is reached through the API's VPC endpoints, and this API has none.",
    );
  }
  // The alias record points at an endpoint's regional DNS name, which only an endpoint construct
  // of this app carries (an imported endpoint has its id only).
  const target = vpcEndpoints.find(
    (e): e is ec2.InterfaceVpcEndpoint => e instanceof ec2.InterfaceVpcEndpoint,
  );
  if (!target) {
    throw new PresetValidationError(
      scope,
      'customDomain',
      domainName,
      "The domain's alias record points at a VPC endpoint's DNS name, which an imported endpoint does not " +
        'carry: pass the ec2.InterfaceVpcEndpoint construct itself in vpcEndpoints (it may live in another ' +
        'stack of the app).',
    );
  }
  if (!settings.hostedZone && !settings.vpc) {
    throw new PresetValidationError(
      scope,
      'customDomain.hostedZone',
      undefined,
      'The API uses existing VPC endpoints, so the preset knows no VPC to create a private hosted zone for: ' +
        "give the private hosted zone (route53.PrivateHostedZone) the domain's record belongs in.",
    );
  }
  return target;
}

/**
 * Creates scope/id, a private custom domain name for a private API:
 * - id/Resource: the domain name (AWS::ApiGateway::DomainNameV2) with its policy;
 * - id/Mapping: the base path mapping to the stage;
 * - id/Access.N: an access association for each of the API's VPC endpoints, without which an
 *   endpoint cannot reach the domain;
 * - id/Zone: a private hosted zone named after the domain for the VPC, unless one is given;
 * - id/AliasA: the domain's alias record to the VPC endpoint's DNS name.
 */
export function bindPrivateDomain(
  scope: Construct,
  id: string,
  settings: PrivateDomainSettings,
): PrivateDomain {
  const { domainName, vpcEndpoints, tls } = settings;
  const target = checkPrivateDomainReach(scope, settings);

  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const container = new Construct(scope, id);
  const domain = new apigw.CfnDomainNameV2(container, 'Resource', {
    domainName,
    certificateArn: settings.certificate.certificateArn,
    endpointConfiguration: {
      types: [apigw.EndpointType.PRIVATE],
      ipAddressType: apigw.IpAddressType.DUAL_STACK,
    },
    securityPolicy: tls.securityPolicy,
    endpointAccessMode: tls.endpointAccessMode,
    policy: privateDomainPolicy(vpcEndpoints),
  });
  const mapping = new apigw.CfnBasePathMappingV2(container, 'Mapping', {
    domainNameArn: domain.attrDomainNameArn,
    restApiId: settings.restApi.restApiId,
    stage: settings.stage.stageName,
    basePath: settings.basePath,
  });
  const accessAssociations = vpcEndpoints.map(
    (endpoint, index) =>
      new apigw.CfnDomainNameAccessAssociation(container, `Access.${index}`, {
        domainNameArn: domain.attrDomainNameArn,
        accessAssociationSource: endpoint.vpcEndpointId,
        accessAssociationSourceType: 'VPCE',
      }),
  );
  const hostedZone =
    settings.hostedZone ??
    new route53.PrivateHostedZone(container, 'Zone', {
      zoneName: domainName,
      vpc: settings.vpc!,
      comment: `The private custom domain ${domainName} of ${scope.node.path}`,
    });
  const record = new route53.ARecord(container, 'AliasA', {
    zone: hostedZone,
    recordName: domainName,
    target: route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(target)),
  });
  return { domainName: domain, mapping, accessAssociations, hostedZone, record };
}
