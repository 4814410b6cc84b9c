import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { CUSTOM_DOMAIN_ID } from '../domains/custom-domain';
import { privateApiAdditions, privateEndpoints } from '../private-network/private-endpoint';
import { RestApiPresetProps } from '../gateway/options';
import { RestApiPreset } from '../gateway/rest-api-preset';

/**
 * Props of `PrivateApi`: give a `vpc` to create an execute-api endpoint in it, or the `vpcEndpoints`
 * the API is reached through.
 */
export interface PrivateApiProps extends RestApiPresetProps {
  /**
   * The VPC to create the API's execute-api interface endpoint in.
   * @default - none: give `vpcEndpoints` instead
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Existing execute-api interface endpoints the API is reached through.
   * @default - none: give `vpc` instead
   */
  readonly vpcEndpoints?: ec2.IVpcEndpoint[];

  /**
   * The subnets of the endpoint created in `vpc`.
   * @default - one subnet per Availability Zone, private subnets first (the endpoint's own default)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Who may connect to the endpoint created in `vpc`, on port 443. Never every address.
   * @default - the VPC's IPv4 CIDR
   */
  readonly allowedPeers?: ec2.IPeer[];

  /**
   * Private DNS on the endpoint created in `vpc`. With it, the VPC resolves every
   * `*.execute-api.<region>.amazonaws.com` name to the endpoint, so the VPC reaches no public
   * (edge-optimized or regional) API by its default host name any more, yours or anyone's.
   * @default false
   */
  readonly privateDnsEnabled?: boolean;

  /**
   * Integration timeouts up to 300 seconds, after the account's 'Maximum integration timeout in
   * milliseconds' quota is raised in Service Quotas.
   * @default false
   */
  readonly longIntegrationTimeouts?: boolean;
}

/**
 * A REST API reachable only from chosen VPC endpoints. Its resource policy allows requests through
 * those endpoints and denies every other request explicitly; a `resourcePolicy` given can only narrow
 * it. The endpoint created for a `vpc` accepts HTTPS from the VPC's CIDR (or `allowedPeers`) only.
 *
 * Secure by default like every preset, except for WAF: a private API has no web ACL unless `waf` is
 * given or `compliance` is `ComplianceProfile.REGULATED`, because only callers inside your network reach it.
 */
export class PrivateApi extends RestApiPreset {
  /** The execute-api interface endpoint created for `vpc`, if one was. */
  public readonly vpcEndpoint?: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: PrivateApiProps) {
    let created: ec2.InterfaceVpcEndpoint | undefined;
    super(scope, id, props, {
      endpointType: apigw.EndpointType.PRIVATE,
      // The only IP address type API Gateway accepts for private APIs.
      ipAddressType: apigw.IpAddressType.DUAL_STACK,
      wafByDefault: false,
      longIntegrationTimeouts: props.longIntegrationTimeouts,
      prepare: (preset) => {
        const endpoints = privateEndpoints(preset, props);
        created = endpoints.endpoint;
        return privateApiAdditions(endpoints);
      },
    });
    this.vpcEndpoint = created;
  }

  /** The private custom domain name (AWS::ApiGateway::DomainNameV2), when the API has a `customDomain`. */
  public get privateDomain(): apigw.CfnDomainNameV2 | undefined {
    const domain = this.node.tryFindChild(CUSTOM_DOMAIN_ID)?.node.defaultChild;
    return domain instanceof apigw.CfnDomainNameV2 ? domain : undefined;
  }
}
