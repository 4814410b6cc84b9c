import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeApi, RegionalApi, ResourcePolicyOptions, RouteIntegration } from '../../lib';
import { definitionOf, Json } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';

const MOCK = RouteIntegration.mock();

function api(resourcePolicy?: ResourcePolicyOptions): EdgeApi {
  const a = new EdgeApi(new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack'), 'Api', {
    resourcePolicy,
  });
  return a;
}

function policyOf(a: EdgeApi): Json | undefined {
  a.addRoute('GET', '/a', MOCK);
  return definitionOf(Template.fromStack(Stack.of(a)))['x-amazon-apigateway-policy'];
}

describe('resourcePolicy', () => {
  test('none by default: the API has no resource policy', () => {
    expect(policyOf(api())).toBeUndefined();
  });

  test('allows everyone, then denies what each option excludes', () => {
    const policy = policyOf(
      api({
        allowedSourceIps: ['203.0.113.0/24', '2001:db8::/32'],
        deniedSourceIps: ['203.0.113.7/32'],
        allowedAccounts: ['111122223333'],
        allowedPrincipalArns: ['arn:aws:iam::111122223333:role/Caller'],
        allowedVpcs: ['vpc-0123456789abcdef0'],
        allowedVpcEndpoints: ['vpce-0123456789abcdef0'],
        deniedVpcs: ['vpc-0fedcba9876543210'],
        deniedVpcEndpoints: ['vpce-0fedcba9876543210'],
      }),
    )!;
    const invoke = { Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };
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
        {
          Sid: 'DenyOtherVpcs',
          Effect: 'Deny',
          ...invoke,
          Condition: { StringNotEquals: { 'aws:SourceVpc': ['vpc-0123456789abcdef0'] } },
        },
        {
          Sid: 'DenyOtherVpcEndpoints',
          Effect: 'Deny',
          ...invoke,
          Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-0123456789abcdef0'] } },
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

  test('a changed policy gives the stage a new deployment', () => {
    const deployment = (policy: ResourcePolicyOptions): string => {
      const a = api(policy);
      a.addRoute('GET', '/a', MOCK);
      return Object.keys(Template.fromStack(Stack.of(a)).findResources('AWS::ApiGateway::Deployment'))[0];
    };
    expect(deployment({ allowedSourceIps: ['203.0.113.0/24'] })).not.toBe(
      deployment({ allowedSourceIps: ['198.51.100.0/24'] }),
    );
  });

  test('applies to every preset', () => {
    const a = new RegionalApi(new Stack(new App(), 'Stack'), 'Api', {
      resourcePolicy: { allowedSourceIps: ['203.0.113.0/24'] },
    });
    a.addRoute('GET', '/a', MOCK);
    expect(
      definitionOf(Template.fromStack(Stack.of(a)))['x-amazon-apigateway-policy'].Statement,
    ).toHaveLength(2);
  });

  test.each([
    ['allowedSourceIps', '203.0.113.0', "Use CIDR ranges such as '203.0.113.0/24' or '2001:db8::/32'."],
    ['allowedSourceIps', '300.0.113.0/24', "Use CIDR ranges such as '203.0.113.0/24' or '2001:db8::/32'."],
    ['deniedSourceIps', '2001:db8::/129', "Use CIDR ranges such as '203.0.113.0/24' or '2001:db8::/32'."],
    ['allowedAccounts', '12345', 'Use 12-digit AWS account ids.'],
    ['allowedPrincipalArns', 'Caller', "Use IAM ARNs such as 'arn:aws:iam::111122223333:role/Caller'."],
    ['allowedVpcs', 'vpc-xyz', "Use VPC ids such as 'vpc-0123456789abcdef0'."],
    ['deniedVpcEndpoints', 'vpc-0123456789abcdef0', "Use VPC endpoint ids such as 'vpce-0123456789abcdef0'."],
  ])('fails when %s has %s', (prop, value, allowed) => {
    expectInvalid(() => api({ [prop]: [value] }), `resourcePolicy.${prop}`, JSON.stringify(value), allowed);
  });

  test('fails when an option lists nothing', () => {
    expectInvalid(
      () => api({ allowedVpcs: [] }),
      'resourcePolicy.allowedVpcs',
      '[]',
      "List at least one value: VPC ids such as 'vpc-0123456789abcdef0'.",
    );
  });

  test('fails when the policy is longer than API Gateway’s 8,192 characters', () => {
    const ranges = Array.from({ length: 600 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.0/24`);
    expectInvalid(
      () => api({ allowedSourceIps: ranges }),
      'resourcePolicy',
      '"9568 characters"',
      "An API's resource policy is at most 8192 characters",
    );
  });
});
