import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { PrivateDomainApiStack } from '../../examples/private-domain-api';
import { VersionedEdgeApiStack } from '../../examples/versioned-edge-api';
import { Json } from '../support/definition';

// The examples of custom domains, synthesized with aws-cdk-lib's built-in CloudFormation validation
// strict, as test/examples.test.ts does for the others.
const app = new App({
  context: {
    '@aws-cdk/core:validateAgainstDefaultRules': true,
    '@aws-cdk/core:strictCfnValidateErrors': true,
  },
});
const versioned = new VersionedEdgeApiStack(app, 'VersionedEdgeApi');
const privateDomain = new PrivateDomainApiStack(app, 'PrivateDomainApi');

function propertiesOf(template: Template, type: string): Json[] {
  return Object.values(template.findResources(type)).map((r) => r.Properties as Json);
}

test('the examples synthesize with no finding from the built-in CloudFormation validation', () => {
  expect(() => app.synth()).not.toThrow();
});

describe('VersionedEdgeApi', () => {
  const template = () => Template.fromStack(versioned);

  test('two EdgeApis on one edge-optimized domain, at /v1 and /v2', () => {
    template().resourceCountIs('AWS::ApiGateway::RestApi', 2);
    expect(propertiesOf(template(), 'AWS::ApiGateway::DomainName')).toEqual([
      expect.objectContaining({
        DomainName: 'api.example.com',
        EndpointConfiguration: expect.objectContaining({ Types: ['EDGE'] }),
      }),
    ]);
    expect(propertiesOf(template(), 'AWS::ApiGateway::BasePathMapping').map((m) => m.BasePath)).toEqual([
      'v1',
      'v2',
    ]);
    expect(
      propertiesOf(template(), 'AWS::Route53::RecordSet')
        .map((r) => r.Type)
        .sort(),
    ).toEqual(['A', 'AAAA']);
  });

  test('outputs each version’s URL on the domain', () => {
    const outputs = Object.values(template().findOutputs('*')).map((o) => o.Value);
    expect(outputs.filter((url) => typeof url === 'string')).toEqual([
      'https://api.example.com/v1/',
      'https://api.example.com/v2/',
    ]);
  });

  test('turns off each version’s default endpoint, so the domain is the only way in', () => {
    const apis = Object.values(template().findResources('AWS::ApiGateway::RestApi'));
    expect(apis.map((api) => api.Properties.DisableExecuteApiEndpoint)).toEqual([true, true]);
    Annotations.fromStack(versioned).hasNoWarning('*', Match.stringLikeRegexp('execute-api-endpoint-open'));
  });
});

describe('PrivateDomainApi', () => {
  const template = () => Template.fromStack(privateDomain);

  test('a private domain in the VPC’s private zone, reached only through the existing endpoint', () => {
    const [endpointId] = Object.keys(template().findResources('AWS::EC2::VPCEndpoint'));
    const [domain] = propertiesOf(template(), 'AWS::ApiGateway::DomainNameV2');
    expect(domain).toMatchObject({ DomainName: 'orders.internal.example.com', SecurityPolicy: 'TLS_1_2' });
    expect(domain.Policy.Statement.map((s: Json) => [s.Effect, Object.keys(s.Condition)[0]])).toEqual([
      ['Allow', 'StringEquals'],
      ['Deny', 'StringNotEquals'],
    ]);
    expect(propertiesOf(template(), 'AWS::ApiGateway::DomainNameAccessAssociation')).toEqual([
      expect.objectContaining({ AccessAssociationSource: { Ref: endpointId } }),
    ]);
    // The example's own zone: the preset creates none.
    expect(propertiesOf(template(), 'AWS::Route53::HostedZone').map((z) => z.Name)).toEqual([
      'internal.example.com.',
    ]);
    expect(propertiesOf(template(), 'AWS::Route53::RecordSet')).toEqual([
      expect.objectContaining({ Name: 'orders.internal.example.com.', Type: 'A' }),
    ]);
  });

  test('the endpoint’s security group admits HTTPS from the VPC only, and the VPC logs its flows', () => {
    const groups = propertiesOf(template(), 'AWS::EC2::SecurityGroup');
    const ingress = groups.flatMap((g) => g.SecurityGroupIngress ?? []);
    expect(ingress).toEqual([
      expect.objectContaining({ CidrIp: '10.20.0.0/16', FromPort: 443, ToPort: 443 }),
    ]);
    expect(propertiesOf(template(), 'AWS::EC2::FlowLog')).toHaveLength(1);
  });
});
