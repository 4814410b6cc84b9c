import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { PresetAdditions } from '../gateway/preset-shape';
import { PresetValidationError } from '../private/errors';
import { parseCidr } from '../private/limits';
import { privateApiPolicy } from '../security/resource-policy';
import { acknowledgeInPacks, REGULATED_PACKS } from '../private/regulated-packs';

/** How a private API is reached: an endpoint the preset creates in a VPC, or existing endpoints. */
export interface PrivateEndpointOptions {
  readonly vpc?: ec2.IVpc;
  readonly vpcEndpoints?: ec2.IVpcEndpoint[];
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly allowedPeers?: ec2.IPeer[];
  readonly privateDnsEnabled?: boolean;
}

/** The endpoints of a private API, and what follows from them (a type alias: it hands constructs over). */
export type PrivateEndpoints = {
  readonly vpcEndpoints: ec2.IVpcEndpoint[];
  readonly vpc?: ec2.IVpc;
  /** The endpoint the preset created, if it did. */
  readonly endpoint?: ec2.InterfaceVpcEndpoint;
  /** Whether the VPC resolves the API's default host name to the endpoint (private DNS). */
  readonly privateDns: boolean;
};

/**
 * Checks how the private API is reached, and creates scope/Endpoint (an execute-api interface endpoint)
 * with scope/EndpointSecurityGroup (HTTPS from the VPC's CIDR or the given peers, never from anywhere)
 * when a VPC is given.
 */
export function privateEndpoints(scope: Construct, options: PrivateEndpointOptions): PrivateEndpoints {
  const { vpc, vpcEndpoints } = options;
  if ((vpc === undefined) === (vpcEndpoints === undefined)) {
    throw new PresetValidationError(
      scope,
      'vpc, vpcEndpoints',
      vpc ? 'both' : 'neither',
      'Give a vpc, to create an execute-api endpoint in it, or the vpcEndpoints the API is reached through; one of them.',
    );
  }
  if (vpcEndpoints) {
    if (vpcEndpoints.length === 0) {
      throw new PresetValidationError(
        scope,
        'vpcEndpoints',
        [],
        'List at least one execute-api VPC endpoint.',
      );
    }
    const settings = (['vpcSubnets', 'allowedPeers', 'privateDnsEnabled'] as const).filter(
      (name) => options[name] !== undefined,
    );
    if (settings.length > 0) {
      throw new PresetValidationError(
        scope,
        settings.join(', '),
        `given with vpcEndpoints`,
        'These set up the endpoint the preset creates for a vpc; existing endpoints keep their own settings.',
      );
    }
    return { vpcEndpoints, privateDns: false };
  }
  const peers = options.allowedPeers ?? [ec2.Peer.ipv4(vpc!.vpcCidrBlock)];
  for (const peer of peers) {
    const rule = peer.toIngressRuleConfig() as { cidrIp?: string; cidrIpv6?: string };
    const cidr = rule.cidrIp ?? rule.cidrIpv6;
    if (cidr === undefined || Token.isUnresolved(cidr)) {
      continue;
    }
    // ec2.Peer checks the address's shape only loosely (it takes '10.0.0.0/33' and '2001:db8::/129').
    const range = parseCidr(cidr);
    if (!range) {
      throw new PresetValidationError(
        scope,
        'allowedPeers',
        cidr,
        "A peer's range is an IPv4 CIDR (prefix 0-32) or an IPv6 CIDR (prefix 0-128), e.g. '10.0.0.0/16' or '2001:db8::/56'.",
      );
    }
    if (range.prefixLength === 0) {
      throw new PresetValidationError(
        scope,
        'allowedPeers',
        peer.uniqueId,
        "The endpoint's security group is never open to every address: list the CIDR ranges or security groups of the callers.",
      );
    }
  }
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const securityGroup = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', {
    vpc: vpc!,
    description: 'HTTPS to the private API endpoint from its callers',
    allowAllOutbound: false,
  });
  for (const peer of peers) {
    securityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS to the private API');
  }
  if (peers.some((peer) => Token.isUnresolved(peer.uniqueId))) {
    Validations.of(securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        "HTTPS comes from the VPC's own CIDR block, a reference cdk-nag cannot resolve to check; the preset refuses " +
        'peers open to every address (a /0 range) itself.',
    });
    const reason =
      "The only ingress is TCP 443 from the VPC's own CIDR block, a reference cdk-nag cannot resolve to check, so " +
      'the rule cannot be evaluated; no other port is open, and the preset refuses peers open to every address ' +
      '(a /0 range) itself.';
    acknowledgeInPacks(securityGroup, 'EC2RestrictedCommonPorts', REGULATED_PACKS, reason);
    acknowledgeInPacks(securityGroup, 'EC2RestrictedSSH', REGULATED_PACKS, reason);
  }
  const privateDns = options.privateDnsEnabled ?? false;
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const endpoint = new ec2.InterfaceVpcEndpoint(scope, 'Endpoint', {
    vpc: vpc!,
    service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
    subnets: options.vpcSubnets,
    securityGroups: [securityGroup],
    // The security group above is the only way in.
    open: false,
    privateDnsEnabled: privateDns,
  });
  return { vpcEndpoints: [endpoint], vpc, endpoint, privateDns };
}

/**
 * A stage's invoke URL through a private API's endpoint: the endpoint-specific host name, which works
 * whether or not the VPC has private DNS for execute-api.
 */
export function endpointStageUrl(
  endpoint: ec2.IVpcEndpoint,
  restApi: apigw.IRestApi,
  stage: apigw.Stage,
): string {
  const stack = Stack.of(stage);
  return `https://${restApi.restApiId}-${endpoint.vpcEndpointId}.execute-api.${stack.region}.${stack.urlSuffix}/${stage.stageName}/`;
}

/**
 * What a private API adds to the engine: its endpoints and VPC, the policy that admits them alone, and,
 * without private DNS, the endpoint-specific URL that reaches it.
 */
export function privateApiAdditions(endpoints: PrivateEndpoints): PresetAdditions {
  const first = endpoints.vpcEndpoints[0];
  return {
    vpcEndpoints: endpoints.vpcEndpoints,
    vpc: endpoints.vpc,
    policyStatements: privateApiPolicy(endpoints.vpcEndpoints),
    stageUrl: endpoints.privateDns ? undefined : (restApi, stage) => endpointStageUrl(first, restApi, stage),
  };
}
