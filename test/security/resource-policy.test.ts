import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  ApiAuthorization,
  CorsOptions,
  EdgeApi,
  IRestApiPreset,
  PrivateApi,
  RegionalApi,
  ResourcePolicyOptions,
  RouteIntegration,
  S3ProxyApi,
} from '../../lib';
import { definitionOf, Json } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { decide } from '../support/policy';

const MOCK = RouteIntegration.mock();
const ENDPOINT = 'vpce-0123456789abcdef0';
const VPC = 'vpc-0123456789abcdef0';
const CIDRS = "Use CIDR ranges such as '203.0.113.0/24' or '2001:db8::/32'.";

/** Props every preset takes that decide how its resource policy is rendered. */
interface Given {
  readonly resourcePolicy?: ResourcePolicyOptions;
  readonly cors?: CorsOptions;
}

type Preset = (stack: Stack, given: Given) => IRestApiPreset;

function endpoints(stack: Stack): ec2.IInterfaceVpcEndpoint[] {
  return [
    ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Endpoint', {
      vpcEndpointId: ENDPOINT,
      port: 443,
    }),
  ];
}

const PUBLIC: Array<[string, Preset]> = [
  ['EdgeApi', (stack, given) => new EdgeApi(stack, 'Api', given)],
  ['RegionalApi', (stack, given) => new RegionalApi(stack, 'Api', given)],
  ['S3ProxyApi (regional)', (stack, given) => new S3ProxyApi(stack, 'Api', given)],
  [
    'S3ProxyApi (edge-optimized)',
    (stack, given) => new S3ProxyApi(stack, 'Api', { ...given, endpointType: apigw.EndpointType.EDGE }),
  ],
];

const PRIVATE: Array<[string, Preset]> = [
  [
    'PrivateApi',
    (stack, given) => new PrivateApi(stack, 'Api', { ...given, vpcEndpoints: endpoints(stack) }),
  ],
  [
    'S3ProxyApi (private)',
    (stack, given) =>
      new S3ProxyApi(stack, 'Api', {
        ...given,
        endpointType: apigw.EndpointType.PRIVATE,
        vpcEndpoints: endpoints(stack),
      }),
  ],
];

const BEHIND_CLOUDFRONT: Preset = (stack, given) =>
  new RegionalApi(stack, 'Api', { ...given, cloudFront: {}, authorization: ApiAuthorization.none() });

function build(preset: Preset, given: Given): IRestApiPreset {
  const api = preset(new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack'), given);
  api.addRoute('GET', '/a', MOCK);
  return api;
}

function policyOf(preset: Preset, given: Given): Json | undefined {
  return definitionOf(Template.fromStack(Stack.of(build(preset, given))))['x-amazon-apigateway-policy'];
}

const EDGE = PUBLIC[0][1];
const invoke = { Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };
const notOptions = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => `execute-api:/*/${m}/*`);

describe('resourcePolicy', () => {
  test('none by default: the API has no resource policy', () => {
    expect(policyOf(EDGE, {})).toBeUndefined();
  });

  test('a changed policy gives the stage a new deployment', () => {
    const deployment = (resourcePolicy: ResourcePolicyOptions): string => {
      const a = build(EDGE, { resourcePolicy });
      return Object.keys(Template.fromStack(Stack.of(a)).findResources('AWS::ApiGateway::Deployment'))[0];
    };
    expect(deployment({ allowedSourceIps: ['203.0.113.0/24'] })).not.toBe(
      deployment({ allowedSourceIps: ['198.51.100.0/24'] }),
    );
  });
});

describe('resourcePolicy on a public (edge-optimized or regional) API', () => {
  test.each(PUBLIC)(
    '%s: allows everyone, then denies by source address (aws:SourceIp) and signer',
    (_, preset) => {
      const policy = policyOf(preset, {
        resourcePolicy: {
          allowedSourceIps: ['203.0.113.0/24', '2001:db8::/32'],
          deniedSourceIps: ['203.0.113.7/32'],
          allowedAccounts: ['111122223333'],
          allowedPrincipalArns: ['arn:aws:iam::111122223333:role/Caller'],
        },
      });
      expect(policy).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', ...invoke },
          {
            Sid: 'DenyOtherSourceIps',
            Effect: 'Deny',
            ...invoke,
            Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
          },
          {
            Sid: 'DenySourceIps',
            Effect: 'Deny',
            ...invoke,
            Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.7/32'] } },
          },
          {
            Sid: 'DenyOtherAccounts',
            Effect: 'Deny',
            ...invoke,
            Condition: { StringNotEquals: { 'aws:PrincipalAccount': ['111122223333'] } },
          },
          {
            Sid: 'DenyOtherPrincipals',
            Effect: 'Deny',
            ...invoke,
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/Caller'] } },
          },
        ],
      });
    },
  );

  test('lets in the listed addresses and no others', () => {
    const policy = policyOf(EDGE, {
      resourcePolicy: {
        allowedSourceIps: ['203.0.113.0/24', '2001:db8::/32'],
        deniedSourceIps: ['203.0.113.7/32'],
      },
    })!;
    const from = (ip: string) => decide(policy, { method: 'GET', path: '/a', keys: { 'aws:SourceIp': ip } });
    expect(from('203.0.113.5')).toBe('Allow');
    expect(from('2001:db8::1')).toBe('Allow');
    expect(from('203.0.113.7')).toBe('Deny');
    expect(from('198.51.100.1')).toBe('Deny');
  });

  const vpcOptions: Array<[keyof ResourcePolicyOptions, string, string]> = [
    ['allowedVpcs', VPC, 'deny every caller'],
    ['allowedVpcEndpoints', ENDPOINT, 'deny every caller'],
    ['deniedVpcs', VPC, 'match no caller'],
    ['deniedVpcEndpoints', ENDPOINT, 'match no caller'],
  ];
  const cases = PUBLIC.flatMap(([name, preset]) =>
    vpcOptions.map(([prop, value, effect]) => [name, prop, value, effect, preset] as const),
  );
  test.each(cases)(
    '%s: fails when %s is given (%s): requests to a public API have no VPC',
    (name, prop, value, effect, preset) => {
      const endpoint = name.includes('edge') || name === 'EdgeApi' ? 'an edge-optimized' : 'a regional';
      expectInvalid(
        () => build(preset, { resourcePolicy: { [prop]: [value] } }),
        `resourcePolicy.${prop}`,
        JSON.stringify([value]),
        `Only requests through an execute-api VPC endpoint, to a private API, carry their VPC and endpoint (aws:SourceVpc, aws:SourceVpce); on ${endpoint} API this would ${effect}. Use PrivateApi (or S3ProxyApi with endpointType PRIVATE) to admit callers by VPC, or allowedSourceIps to restrict a public API by address.`,
      );
    },
  );
});

describe('resourcePolicy on a private API', () => {
  test.each(PRIVATE)('%s: source addresses are the callers’ in the VPC (aws:VpcSourceIp)', (_, preset) => {
    const policy = policyOf(preset, {
      resourcePolicy: {
        allowedSourceIps: ['10.0.0.0/16'],
        deniedSourceIps: ['10.0.9.0/24'],
        allowedVpcs: [VPC],
        allowedVpcEndpoints: [ENDPOINT],
        deniedVpcs: ['vpc-0fedcba9876543210'],
        deniedVpcEndpoints: ['vpce-0fedcba9876543210'],
      },
    });
    const throughEndpoints = (sid: string, effect: string, operator: string): Json => ({
      Sid: sid,
      Effect: effect,
      ...invoke,
      Condition: { [operator]: { 'aws:SourceVpce': [ENDPOINT] } },
    });
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        throughEndpoints('AllowThroughApiEndpoints', 'Allow', 'StringEquals'),
        throughEndpoints('DenyAnyOtherWay', 'Deny', 'StringNotEquals'),
        {
          Sid: 'DenyOtherSourceIps',
          Effect: 'Deny',
          ...invoke,
          Condition: { NotIpAddress: { 'aws:VpcSourceIp': ['10.0.0.0/16'] } },
        },
        {
          Sid: 'DenySourceIps',
          Effect: 'Deny',
          ...invoke,
          Condition: { IpAddress: { 'aws:VpcSourceIp': ['10.0.9.0/24'] } },
        },
        {
          Sid: 'DenyOtherVpcs',
          Effect: 'Deny',
          ...invoke,
          Condition: { StringNotEquals: { 'aws:SourceVpc': [VPC] } },
        },
        {
          Sid: 'DenyOtherVpcEndpoints',
          Effect: 'Deny',
          ...invoke,
          Condition: { StringNotEquals: { 'aws:SourceVpce': [ENDPOINT] } },
        },
        {
          Sid: 'DenyVpcs',
          Effect: 'Deny',
          ...invoke,
          Condition: { StringEquals: { 'aws:SourceVpc': ['vpc-0fedcba9876543210'] } },
        },
        {
          Sid: 'DenyVpcEndpoints',
          Effect: 'Deny',
          ...invoke,
          Condition: { StringEquals: { 'aws:SourceVpce': ['vpce-0fedcba9876543210'] } },
        },
      ],
    });
  });

  test('lets in callers through the endpoint from the listed addresses, and no others', () => {
    const policy = policyOf(PRIVATE[0][1], {
      resourcePolicy: { allowedSourceIps: ['10.0.0.0/16'], deniedSourceIps: ['10.0.9.0/24'] },
    })!;
    // What a request through an execute-api endpoint carries: no aws:SourceIp.
    const from = (ip: string) =>
      decide(policy, {
        method: 'GET',
        path: '/a',
        keys: { 'aws:SourceVpce': ENDPOINT, 'aws:SourceVpc': VPC, 'aws:VpcSourceIp': ip },
      });
    expect(from('10.0.1.5')).toBe('Allow');
    expect(from('10.0.9.5')).toBe('Deny');
    expect(from('10.1.0.1')).toBe('Deny');
  });

  test.each(PRIVATE)(
    '%s: fails when allowedVpcEndpoints lists an endpoint that is not the API’s',
    (_, preset) => {
      expectInvalid(
        () =>
          build(preset, { resourcePolicy: { allowedVpcEndpoints: [ENDPOINT, 'vpce-0fedcba9876543210'] } }),
        'resourcePolicy.allowedVpcEndpoints',
        JSON.stringify([ENDPOINT, 'vpce-0fedcba9876543210']),
        `vpce-0fedcba9876543210 is not an endpoint of this API (${ENDPOINT}), whose policy denies requests through any other: list some of the API's own endpoints.`,
      );
    },
  );

  test('endpoints the preset creates are known only at deploy time: allowedVpcEndpoints is not compared with them', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
    const api = new PrivateApi(stack, 'Api', {
      vpc: new ec2.Vpc(stack, 'Vpc'),
      resourcePolicy: { allowedVpcEndpoints: [ENDPOINT] },
    });
    api.addRoute('GET', '/a', MOCK);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('VPC options narrow the endpoints and VPCs requests may come through', () => {
    const policy = policyOf(PRIVATE[0][1], { resourcePolicy: { allowedVpcs: [VPC] } })!;
    const through = (vpc: string) =>
      decide(policy, {
        method: 'GET',
        path: '/a',
        keys: { 'aws:SourceVpce': ENDPOINT, 'aws:SourceVpc': vpc },
      });
    expect(through(VPC)).toBe('Allow');
    expect(through('vpc-0fedcba9876543210')).toBe('Deny');
  });
});

describe('resourcePolicy behind the CloudFront front (RegionalApi cloudFront)', () => {
  test.each([
    ['allowedSourceIps', '203.0.113.0/24', 'deny every viewer'],
    ['deniedSourceIps', '203.0.113.0/24', 'match no viewer'],
  ])('fails when %s is given: the source is a CloudFront address', (prop, value, effect) => {
    expectInvalid(
      () => build(BEHIND_CLOUDFRONT, { resourcePolicy: { [prop]: [value] } }),
      `resourcePolicy.${prop}`,
      JSON.stringify([value]),
      `Behind cloudFront, every request reaches the API from a CloudFront address (aws:SourceIp), never the viewer's, so this would ${effect}. Restrict viewers at the distribution: a CLOUDFRONT-scope web ACL with an IP set rule (cloudFront.webAclArn), or cloudFront.geoRestriction.`,
    );
  });

  test.each([
    ['allowedAccounts', '111122223333'],
    ['allowedPrincipalArns', 'arn:aws:iam::111122223333:role/Caller'],
  ])('fails when %s is given: no request behind CloudFront is signed', (prop, value) => {
    expectInvalid(
      () => build(BEHIND_CLOUDFRONT, { resourcePolicy: { [prop]: [value] } }),
      `resourcePolicy.${prop}`,
      JSON.stringify([value]),
      'Behind cloudFront, no request is signed (routes cannot use IAM authorization behind CloudFront), so no request has an account or principal and this would deny every caller. Use a RegionalApi without cloudFront for IAM callers.',
    );
  });

  test('fails when a VPC option is given, as on any public API', () => {
    expectInvalid(
      () => build(BEHIND_CLOUDFRONT, { resourcePolicy: { allowedVpcs: [VPC] } }),
      'resourcePolicy.allowedVpcs',
      JSON.stringify([VPC]),
      'on a regional API this would deny every caller',
    );
  });
});

describe('resourcePolicy with cors', () => {
  const cors = { allowOrigins: ['https://app.example.com'] };

  test.each([
    ['allowedAccounts', '111122223333', 'DenyOtherAccounts'],
    ['allowedPrincipalArns', 'arn:aws:iam::111122223333:role/Caller', 'DenyOtherPrincipals'],
  ])('%s leaves browsers’ preflights (OPTIONS, never signed) out', (prop, value, sid) => {
    const policy = policyOf(EDGE, { cors, resourcePolicy: { [prop]: [value] } })!;
    const statement = (policy.Statement as Json[]).find((s) => s.Sid === sid)!;
    expect(statement.Resource).toEqual(notOptions);
  });

  test('a preflight passes; every other unsigned request is denied, a signed one of the account allowed', () => {
    const policy = policyOf(EDGE, { cors, resourcePolicy: { allowedAccounts: ['111122223333'] } })!;
    const ip = { 'aws:SourceIp': '203.0.113.5' };
    expect(decide(policy, { method: 'OPTIONS', path: '/a', keys: ip })).toBe('Allow');
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(decide(policy, { method, path: '/a', keys: ip })).toBe('Deny');
    }
    expect(decide(policy, { method: 'GET', path: '/', keys: ip })).toBe('Deny');
    const signed = { ...ip, 'aws:PrincipalAccount': '111122223333' };
    expect(decide(policy, { method: 'GET', path: '/a', keys: signed })).toBe('Allow');
    expect(
      decide(policy, { method: 'GET', path: '/a', keys: { ...ip, 'aws:PrincipalAccount': '444455556666' } }),
    ).toBe('Deny');
  });

  test('a private API: the preflight passes only through its endpoint', () => {
    const policy = policyOf(PRIVATE[0][1], { cors, resourcePolicy: { allowedAccounts: ['111122223333'] } })!;
    const through = { 'aws:SourceVpce': ENDPOINT, 'aws:VpcSourceIp': '10.0.1.5' };
    expect(decide(policy, { method: 'OPTIONS', path: '/a', keys: through })).toBe('Allow');
    expect(decide(policy, { method: 'OPTIONS', path: '/a', keys: {} })).toBe('Deny');
    expect(decide(policy, { method: 'GET', path: '/a', keys: through })).toBe('Deny');
  });

  test('source-address options still cover preflights: a browser sends them from the same address', () => {
    const policy = policyOf(EDGE, { cors, resourcePolicy: { allowedSourceIps: ['203.0.113.0/24'] } })!;
    expect((policy.Statement as Json[]).find((s) => s.Sid === 'DenyOtherSourceIps')!.Resource).toBe(
      'execute-api:/*',
    );
  });

  test('without cors, the statements cover every method', () => {
    const policy = policyOf(EDGE, { resourcePolicy: { allowedAccounts: ['111122223333'] } })!;
    expect((policy.Statement as Json[]).find((s) => s.Sid === 'DenyOtherAccounts')!.Resource).toBe(
      'execute-api:/*',
    );
  });
});

describe('resourcePolicy values', () => {
  test.each([
    ['allowedSourceIps', '203.0.113.0', CIDRS],
    ['allowedSourceIps', '300.0.113.0/24', CIDRS],
    ['allowedSourceIps', '203.0.113.0/33', CIDRS],
    ['allowedSourceIps', '203.0.113.0/024', CIDRS],
    ['deniedSourceIps', '2001:db8::/129', CIDRS],
    ['deniedSourceIps', ':/64', CIDRS],
    ['deniedSourceIps', '1:2:3:4:5:6:7:8:9/64', CIDRS],
    ['allowedSourceIps', '12345::/16', CIDRS],
    ['allowedSourceIps', 'fe80::1%eth0/64', CIDRS],
    ['allowedSourceIps', '2001:db8::/32/1', CIDRS],
    ['allowedAccounts', '12345', 'Use 12-digit AWS account ids.'],
    ['allowedPrincipalArns', 'Caller', "Use IAM ARNs such as 'arn:aws:iam::111122223333:role/Caller'."],
    ['allowedVpcs', 'vpc-xyz', "Use VPC ids such as 'vpc-0123456789abcdef0'."],
    ['deniedVpcEndpoints', 'vpc-0123456789abcdef0', "Use VPC endpoint ids such as 'vpce-0123456789abcdef0'."],
  ])('fails when %s has %s', (prop, value, allowed) => {
    expectInvalid(
      () => build(PRIVATE[0][1], { resourcePolicy: { [prop]: [value] } }),
      `resourcePolicy.${prop}`,
      JSON.stringify(value),
      allowed,
    );
  });

  test.each(['::/0', '2001:db8::/128', '0.0.0.0/0', '203.0.113.7/32'])('accepts the range %s', (range) => {
    expect(() => build(EDGE, { resourcePolicy: { allowedSourceIps: [range] } })).not.toThrow();
  });

  test('fails when an option lists nothing', () => {
    expectInvalid(
      () => build(EDGE, { resourcePolicy: { allowedSourceIps: [] } }),
      'resourcePolicy.allowedSourceIps',
      '[]',
      `List at least one value: CIDR ranges such as '203.0.113.0/24' or '2001:db8::/32'.`,
    );
  });

  test('fails when the policy is longer than API Gateway’s 8,192 characters', () => {
    const ranges = Array.from({ length: 600 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.0/24`);
    expectInvalid(
      () => build(EDGE, { resourcePolicy: { allowedSourceIps: ranges } }),
      'resourcePolicy',
      '"9568 characters"',
      "An API's resource policy is at most 8192 characters",
    );
  });
});
