import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PrivateApi, PrivateApiProps, RouteIntegration } from '../../lib';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { definitionOf, Json } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';

const MOCK = RouteIntegration.mock();

function stackWithVpc(): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
  return { stack, vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 }) };
}

function privateApi(props: (vpc: ec2.Vpc, stack: Stack) => PrivateApiProps): PrivateApi {
  const { stack, vpc } = stackWithVpc();
  const api = new PrivateApi(stack, 'Api', props(vpc, stack));
  api.addRoute('GET', '/orders', MOCK);
  return api;
}

/**
 * Evaluates a resource policy the way IAM does for one request, for the statements and condition
 * operators the library writes: an explicit Deny wins, then an Allow is needed.
 */
function decide(
  policy: Json,
  request: Record<string, string>,
  resolve: (v: unknown) => unknown,
): 'Allow' | 'Deny' {
  const matches = (statement: Json): boolean =>
    Object.entries((statement.Condition ?? {}) as Json).every(([operator, conditions]) =>
      Object.entries(conditions as Json).every(([key, values]) => {
        const listed = (resolve(values) as unknown[]).map((v) => JSON.stringify(resolve(v)));
        const value = request[key];
        const inList = value !== undefined && listed.includes(JSON.stringify(value));
        switch (operator) {
          case 'StringEquals':
            return inList;
          case 'StringNotEquals':
            return !inList;
          default:
            throw new Error(`operator ${operator} not simulated`);
        }
      }),
    );
  const statements = policy.Statement as Json[];
  if (statements.some((s) => s.Effect === 'Deny' && matches(s))) {
    return 'Deny';
  }
  return statements.some((s) => s.Effect === 'Allow' && matches(s)) ? 'Allow' : 'Deny';
}

describe('PrivateApi in a new VPC endpoint', () => {
  const api = privateApi((vpc) => ({ vpc }));
  const stack = Stack.of(api);
  const t = Template.fromStack(stack);
  const endpointRef = { Ref: stack.getLogicalId(api.vpcEndpoint!.node.defaultChild as ec2.CfnVPCEndpoint) };

  test('is a PRIVATE, dual-stack API bound to the endpoint it creates', () => {
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: {
        Types: ['PRIVATE'],
        IpAddressType: 'dualstack',
        VpcEndpointIds: [endpointRef],
      },
      Parameters: { endpointConfigurationTypes: 'PRIVATE' },
    });
    expect(definitionOf(t).servers).toEqual([
      { url: '/', 'x-amazon-apigateway-endpoint-configuration': { vpcEndpointIds: [endpointRef] } },
    ]);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.execute-api']] },
      PrivateDnsEnabled: false,
    });
  });

  test('the endpoint accepts HTTPS from the VPC only, and its security group is never open to the world', () => {
    const [group] = Object.values(t.findResources('AWS::EC2::SecurityGroup')).filter((g) =>
      JSON.stringify(g).includes('private API endpoint'),
    );
    const ingress = group.Properties.SecurityGroupIngress as Json[];
    expect(ingress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        CidrIp: {
          'Fn::GetAtt': [
            stack.getLogicalId(Stack.of(api).node.findChild('Vpc').node.defaultChild as ec2.CfnVPC),
            'CidrBlock',
          ],
        },
        Description: 'HTTPS to the private API',
      },
    ]);
    for (const g of Object.values(t.findResources('AWS::EC2::SecurityGroup'))) {
      expect(JSON.stringify(g.Properties.SecurityGroupIngress ?? [])).not.toMatch(/\/0"/);
    }
  });

  test('its resource policy allows requests through its endpoint and explicitly denies every other request', () => {
    const policy = definitionOf(t)['x-amazon-apigateway-policy'];
    const resolve = (v: unknown): unknown => stack.resolve(v);
    const endpointId = JSON.parse(JSON.stringify(endpointRef));
    expect(decide(policy, { 'aws:SourceVpce': endpointId }, resolve)).toBe('Allow');
    expect(decide(policy, { 'aws:SourceVpce': 'vpce-0000000000000000f' }, resolve)).toBe('Deny');
    expect(decide(policy, {}, resolve)).toBe('Deny');
    // The denial is explicit, so no other policy (an IAM identity policy) can allow around it.
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { StringNotEquals: { 'aws:SourceVpce': [endpointRef] } },
      }),
    );
  });

  test('has no web ACL by default, and answers cdk-nag’s WAF rule on the stage with the reason', () => {
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(api.webAcl).toBeUndefined();
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('WAF is disabled'));
    expect(acknowledgementsUnder(api)['Stage.prod/Resource AwsSolutions-APIG3']).toMatch(
      /reached only through its VPC endpoints/,
    );
  });

  test('outputs the endpoint-specific invoke URL, which works without private DNS', () => {
    const [output] = Object.values(t.toJSON().Outputs) as Json[];
    const parts = output.Value['Fn::Join'][1] as unknown[];
    expect(parts).toEqual(expect.arrayContaining([endpointRef, '.execute-api.']));
    expect(JSON.stringify(stack.resolve(api.url))).toContain(JSON.stringify(endpointRef));
  });
});

describe('PrivateApi options', () => {
  test('uses existing endpoints, in its policy and endpoint configuration, and creates none', () => {
    const api = privateApi((_, stack) => ({
      vpcEndpoints: [
        ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Existing', {
          vpcEndpointId: 'vpce-0123456789abcdef0',
          port: 443,
        }),
      ],
    }));
    const t = Template.fromStack(Stack.of(api));
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: Match.objectLike({ VpcEndpointIds: ['vpce-0123456789abcdef0'] }),
    });
    expect(JSON.stringify(definitionOf(t)['x-amazon-apigateway-policy'])).toContain('vpce-0123456789abcdef0');
  });

  test('a user policy only narrows the private API: the endpoint rule still holds', () => {
    const api = privateApi((vpc) => ({ vpc, resourcePolicy: { allowedSourceIps: ['10.0.0.0/16'] } }));
    const statements = definitionOf(Template.fromStack(Stack.of(api)))['x-amazon-apigateway-policy']
      .Statement as Json[];
    expect(statements.map((s) => `${s.Effect} ${s.Sid}`)).toEqual([
      'Allow AllowThroughApiEndpoints',
      'Deny DenyAnyOtherWay',
      'Deny DenyOtherSourceIps',
    ]);
    // No statement allows anything but the endpoint.
    expect(statements.filter((s) => s.Effect === 'Allow')).toHaveLength(1);
  });

  test('a web ACL when asked for', () => {
    const api = privateApi((vpc) => ({ vpc, waf: {} }));
    Template.fromStack(Stack.of(api)).resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('private DNS when asked for: the default invoke URL then works in the VPC', () => {
    const api = privateApi((vpc) => ({ vpc, privateDnsEnabled: true }));
    Template.fromStack(Stack.of(api)).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      PrivateDnsEnabled: true,
    });
    expect(JSON.stringify(Stack.of(api).resolve(api.url))).not.toContain('ApiEndpoint');
  });

  test('integration timeouts up to 300 seconds with longIntegrationTimeouts', () => {
    const api = privateApi((vpc) => ({ vpc, longIntegrationTimeouts: true }));
    expect(() => api.addRoute('GET', '/slow', MOCK, { timeout: Duration.seconds(300) })).not.toThrow();
    expectInvalid(
      () => api.addRoute('GET', '/slower', MOCK, { timeout: Duration.seconds(301) }),
      'timeout of GET /slower',
      '"5 minutes 1 second"',
      "Integration timeouts are whole milliseconds from 50 ms to 300 seconds, the most API Gateway's raised quota allows.",
    );
  });

  test('fails when an integration timeout is over 29 seconds without longIntegrationTimeouts', () => {
    const api = privateApi((vpc) => ({ vpc }));
    expectInvalid(
      () => api.addRoute('GET', '/slow', MOCK, { timeout: Duration.seconds(60) }),
      'timeout of GET /slow',
      '"1 minute"',
      "A private API allows integration timeouts of whole milliseconds from 50 ms to 29 seconds unless the account's quota is raised",
    );
  });

  test.each([
    ['neither a vpc nor endpoints', (): PrivateApiProps => ({}), '"neither"'],
    [
      'both a vpc and endpoints',
      (vpc: ec2.Vpc, stack: Stack): PrivateApiProps => ({
        vpc,
        vpcEndpoints: [
          ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E', {
            vpcEndpointId: 'vpce-1',
            port: 443,
          }),
        ],
      }),
      '"both"',
    ],
  ])('fails when given %s', (_, props, value) => {
    const { stack, vpc } = stackWithVpc();
    expectInvalid(
      () => new PrivateApi(stack, 'Api', props(vpc, stack)),
      'vpc, vpcEndpoints',
      value,
      'Give a vpc, to create an execute-api endpoint in it, or the vpcEndpoints the API is reached through; one of them.',
    );
  });

  test('fails when the endpoint list is empty', () => {
    const { stack } = stackWithVpc();
    expectInvalid(
      () => new PrivateApi(stack, 'Api', { vpcEndpoints: [] }),
      'vpcEndpoints',
      '[]',
      'List at least one execute-api VPC endpoint.',
    );
  });

  test('fails when endpoint settings are given with existing endpoints', () => {
    const { stack } = stackWithVpc();
    const existing = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E', {
      vpcEndpointId: 'vpce-1',
      port: 443,
    });
    expectInvalid(
      () => new PrivateApi(stack, 'Api', { vpcEndpoints: [existing], privateDnsEnabled: true }),
      'privateDnsEnabled',
      '"given with vpcEndpoints"',
      'These set up the endpoint the preset creates for a vpc; existing endpoints keep their own settings.',
    );
  });

  test.each([
    ['any IPv4 address', ec2.Peer.anyIpv4(), '"0.0.0.0/0"'],
    ['any IPv6 address', ec2.Peer.anyIpv6(), '"::/0"'],
  ])('fails when the endpoint would accept %s', (_, peer, value) => {
    const { stack, vpc } = stackWithVpc();
    expectInvalid(
      () => new PrivateApi(stack, 'Api', { vpc, allowedPeers: [ec2.Peer.ipv4('10.1.0.0/16'), peer] }),
      'allowedPeers',
      value,
      "The endpoint's security group is never open to every address",
    );
  });

  test.each([
    ['an IPv4 prefix over 32', ec2.Peer.ipv4('10.0.0.0/33'), '"10.0.0.0/33"'],
    ['an IPv4 address out of range', ec2.Peer.ipv4('300.0.0.0/8'), '"300.0.0.0/8"'],
    ['an IPv6 prefix over 128', ec2.Peer.ipv6('2001:db8::/129'), '"2001:db8::/129"'],
    ['a zero prefix written /00', ec2.Peer.ipv4('0.0.0.0/00'), '"0.0.0.0/00"'],
  ])('fails when a peer has %s (ec2.Peer accepts it)', (_, peer, value) => {
    const { stack, vpc } = stackWithVpc();
    expectInvalid(
      () => new PrivateApi(stack, 'Api', { vpc, allowedPeers: [peer] }),
      'allowedPeers',
      value,
      "A peer's range is an IPv4 CIDR (prefix 0-32) or an IPv6 CIDR (prefix 0-128), e.g. '10.0.0.0/16' or '2001:db8::/56'.",
    );
  });
});
