import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CustomDomainOptions, PrivateApi, PrivateApiProps, RouteIntegration } from '../../lib';
import { definitionOf, Json } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { urlOutputs } from '../support/outputs';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const DOMAIN = 'orders.internal.example.com';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: { region: 'eu-west-1' } });
}

function vpcOf(scope: Stack): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0 });
}

function certificate(scope: Stack, arn = CERTIFICATE): acm.ICertificate {
  return acm.Certificate.fromCertificateArn(scope, `Certificate${scope.node.children.length}`, arn);
}

/** A PrivateApi at Stack/Api with one route and a private custom domain. */
function privateApi(
  scope: Stack,
  reach: Pick<PrivateApiProps, 'vpc' | 'vpcEndpoints'>,
  overrides: Partial<CustomDomainOptions> = {},
): PrivateApi {
  const api = new PrivateApi(scope, 'Api', {
    ...reach,
    customDomain: { domainName: DOMAIN, certificate: certificate(scope), ...overrides },
  });
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  return api;
}

function only(template: Template, type: string): Json {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

function logicalIds(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

type Decision = 'allow' | 'deny' | 'implicit deny';

/**
 * How IAM decides a request under a resource policy made of execute-api:Invoke statements on the whole
 * domain: an explicit deny wins, then an allow; no matching statement denies implicitly. `sourceVpce`
 * is the request's aws:SourceVpce key (absent for a request that comes through no endpoint).
 */
function decide(policy: Json, request: { sourceVpce?: unknown }): Decision {
  let allowed = false;
  for (const statement of policy.Statement as Json[]) {
    expect(statement).toMatchObject({
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
    });
    const holds = Object.entries((statement.Condition ?? {}) as Json).every(([operator, keys]) => {
      expect(Object.keys(keys)).toEqual(['aws:SourceVpce']);
      const values = (keys['aws:SourceVpce'] as unknown[]).map((v) => JSON.stringify(v));
      const present = request.sourceVpce !== undefined;
      const listed = present && values.includes(JSON.stringify(request.sourceVpce));
      switch (operator) {
        case 'StringEquals':
          return listed;
        case 'StringNotEquals':
          // A negated operator holds when the key is absent.
          return !listed;
        default:
          throw new Error(`the test does not evaluate ${operator}`);
      }
    });
    if (!holds) {
      continue;
    }
    if (statement.Effect === 'Deny') {
      return 'deny';
    }
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit deny';
}

describe('private custom domain for a PrivateApi in a VPC', () => {
  const scope = stack();
  const vpc = vpcOf(scope);
  const api = privateApi(scope, { vpc });
  const template = Template.fromStack(scope);
  const endpoint = logicalIds(template, 'AWS::EC2::VPCEndpoint');
  const domain = logicalIds(template, 'AWS::ApiGateway::DomainNameV2');

  test('is a private, dual-stack DomainNameV2 with the certificate and TLS 1.2', () => {
    expect(only(template, 'AWS::ApiGateway::DomainNameV2').Properties).toMatchObject({
      DomainName: DOMAIN,
      CertificateArn: CERTIFICATE,
      EndpointConfiguration: { Types: ['PRIVATE'], IpAddressType: 'dualstack' },
      SecurityPolicy: 'TLS_1_2',
    });
  });

  test('its policy allows requests through the API’s endpoint and denies any other request', () => {
    const policy = only(template, 'AWS::ApiGateway::DomainNameV2').Properties.Policy as Json;
    expect(endpoint).toHaveLength(1);
    expect(decide(policy, { sourceVpce: { Ref: endpoint[0] } })).toBe('allow');
    expect(decide(policy, { sourceVpce: 'vpce-0123456789abcdef0' })).toBe('deny');
    expect(decide(policy, {})).toBe('deny');
  });

  test('maps the root of the domain to the first stage', () => {
    expect(only(template, 'AWS::ApiGateway::BasePathMappingV2').Properties).toEqual({
      DomainNameArn: { 'Fn::GetAtt': [domain[0], 'DomainNameArn'] },
      RestApiId: { Ref: logicalIds(template, 'AWS::ApiGateway::RestApi')[0] },
      Stage: { Ref: logicalIds(template, 'AWS::ApiGateway::Stage')[0] },
    });
  });

  test('associates the API’s endpoint with the domain', () => {
    expect(only(template, 'AWS::ApiGateway::DomainNameAccessAssociation').Properties).toEqual({
      DomainNameArn: { 'Fn::GetAtt': [domain[0], 'DomainNameArn'] },
      AccessAssociationSource: { Ref: endpoint[0] },
      AccessAssociationSourceType: 'VPCE',
    });
  });

  test('creates a private hosted zone named after the domain, for the VPC', () => {
    expect(only(template, 'AWS::Route53::HostedZone').Properties).toMatchObject({
      Name: `${DOMAIN}.`,
      VPCs: [{ VPCId: { Ref: logicalIds(template, 'AWS::EC2::VPC')[0] }, VPCRegion: 'eu-west-1' }],
    });
  });

  test('aliases the domain to the VPC endpoint’s regional DNS name', () => {
    const dnsEntry = { 'Fn::Select': [0, { 'Fn::GetAtt': [endpoint[0], 'DnsEntries'] }] };
    expect(only(template, 'AWS::Route53::RecordSet').Properties).toEqual({
      Name: `${DOMAIN}.`,
      Type: 'A',
      HostedZoneId: { Ref: logicalIds(template, 'AWS::Route53::HostedZone')[0] },
      AliasTarget: {
        DNSName: { 'Fn::Select': [1, { 'Fn::Split': [':', dnsEntry] }] },
        HostedZoneId: { 'Fn::Select': [0, { 'Fn::Split': [':', dnsEntry] }] },
      },
    });
  });

  test('disables the default execute-api endpoint: the domain is the way in', () => {
    const endpointConfiguration =
      definitionOf(template).servers[0]['x-amazon-apigateway-endpoint-configuration'];
    expect(endpointConfiguration).toEqual({
      vpcEndpointIds: [{ Ref: endpoint[0] }],
      disableExecuteApiEndpoint: true,
    });
    expect(api.url).toBe(`https://${DOMAIN}/`);
    expect(Object.keys(urlOutputs(template))).toEqual([]);
  });

  test('exposes the private domain name', () => {
    expect(api.privateDomain).toBeInstanceOf(apigw.CfnDomainNameV2);
    expect(Stack.of(api).getLogicalId(api.privateDomain!)).toBe(domain[0]);
    expect(api.domain).toBeUndefined();
  });
});

describe('private custom domain over existing endpoints', () => {
  test('associates every endpoint, admits every one, and uses the given private zone', () => {
    const scope = stack();
    const vpc = vpcOf(scope);
    const first = vpc.addInterfaceEndpoint('First', {
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
    });
    const second = vpc.addInterfaceEndpoint('Second', {
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
    });
    const zone = new route53.PrivateHostedZone(scope, 'Internal', { zoneName: 'internal.example.com', vpc });
    privateApi(scope, { vpcEndpoints: [first, second] }, { hostedZone: zone, basePath: 'orders' });
    const template = Template.fromStack(scope);

    const [firstId, secondId] = ['First', 'Second'].map((name) =>
      logicalIds(template, 'AWS::EC2::VPCEndpoint').find((id) => id.startsWith(`Vpc${name}`))!,
    );
    const sources = Object.values(template.findResources('AWS::ApiGateway::DomainNameAccessAssociation')).map(
      (r) => r.Properties.AccessAssociationSource,
    );
    expect(sources).toEqual([{ Ref: firstId }, { Ref: secondId }]);
    const policy = only(template, 'AWS::ApiGateway::DomainNameV2').Properties.Policy as Json;
    expect(decide(policy, { sourceVpce: { Ref: firstId } })).toBe('allow');
    expect(decide(policy, { sourceVpce: { Ref: secondId } })).toBe('allow');
    expect(decide(policy, { sourceVpce: 'vpce-0123456789abcdef0' })).toBe('deny');

    // The given zone only, and the record in it.
    template.resourceCountIs('AWS::Route53::HostedZone', 1);
    expect(only(template, 'AWS::Route53::RecordSet').Properties).toMatchObject({
      Name: `${DOMAIN}.`,
      HostedZoneId: { Ref: logicalIds(template, 'AWS::Route53::HostedZone')[0] },
    });
    expect(only(template, 'AWS::ApiGateway::BasePathMappingV2').Properties.BasePath).toBe('orders');
  });

  test('aliases the first endpoint whose DNS name is known, skipping imported ones', () => {
    const scope = stack();
    const vpc = vpcOf(scope);
    const imported = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(scope, 'Imported', {
      vpcEndpointId: 'vpce-0123456789abcdef0',
      port: 443,
    });
    const own = vpc.addInterfaceEndpoint('Own', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
    const zone = new route53.PrivateHostedZone(scope, 'Internal', { zoneName: 'internal.example.com', vpc });
    privateApi(scope, { vpcEndpoints: [imported, own] }, { hostedZone: zone });
    const template = Template.fromStack(scope);
    const ownId = logicalIds(template, 'AWS::EC2::VPCEndpoint')[0];
    expect(JSON.stringify(only(template, 'AWS::Route53::RecordSet').Properties.AliasTarget)).toContain(ownId);
    template.resourceCountIs('AWS::ApiGateway::DomainNameAccessAssociation', 2);
  });

  test('an enhanced regional security policy is accepted, with STRICT access', () => {
    const scope = stack();
    privateApi(scope, { vpc: vpcOf(scope) }, { securityPolicy: apigw.SecurityPolicy.TLS13_1_2_PQ_2025_09 });
    expect(only(Template.fromStack(scope), 'AWS::ApiGateway::DomainNameV2').Properties).toMatchObject({
      SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PQ_2025_09',
      EndpointAccessMode: 'STRICT',
    });
  });
});

describe('fails when', () => {
  test('the API uses existing endpoints and no hosted zone is given, before the API is created', () => {
    const scope = stack();
    const endpoint = vpcOf(scope).addInterfaceEndpoint('Endpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
    });
    expectInvalid(
      () => privateApi(scope, { vpcEndpoints: [endpoint] }),
      'customDomain.hostedZone',
      'undefined',
      'the preset knows no VPC to create a private hosted zone for',
    );
    expect(scope.node.findAll().filter((c) => c instanceof apigw.CfnRestApi)).toEqual([]);
  });

  test('the default endpoint is turned off without a custom domain', () => {
    const scope = stack();
    expectInvalid(
      () => new PrivateApi(scope, 'Api', { vpc: vpcOf(scope), disableExecuteApiEndpoint: true }),
      'disableExecuteApiEndpoint',
      'true',
      'give it a customDomain, or keep the default endpoint',
    );
  });

  test('every endpoint is imported, so no alias target is known', () => {
    const scope = stack();
    const imported = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(scope, 'Imported', {
      vpcEndpointId: 'vpce-0123456789abcdef0',
      port: 443,
    });
    const zone = new route53.PrivateHostedZone(scope, 'Internal', {
      zoneName: 'internal.example.com',
      vpc: vpcOf(scope),
    });
    expectInvalid(
      () => privateApi(scope, { vpcEndpoints: [imported] }, { hostedZone: zone }),
      'customDomain',
      JSON.stringify(DOMAIN),
      'pass the ec2.InterfaceVpcEndpoint construct itself in vpcEndpoints',
    );
  });

  test('the hosted zone is public', () => {
    const scope = stack();
    const zone = new route53.PublicHostedZone(scope, 'Public', { zoneName: 'example.com' });
    expectInvalid(
      () => privateApi(scope, { vpc: vpcOf(scope) }, { hostedZone: zone }),
      'customDomain.hostedZone',
      '"Stack/Public"',
      "A private domain's record belongs in a private hosted zone",
    );
  });

  test('the domain name is a wildcard', () => {
    const scope = stack();
    expectInvalid(
      () => privateApi(scope, { vpc: vpcOf(scope) }, { domainName: '*.internal.example.com' }),
      'customDomain.domainName',
      '"*.internal.example.com"',
      'Wildcard custom domain names are for edge-optimized and regional APIs, not private ones.',
    );
  });

  test('the base path has several levels', () => {
    const scope = stack();
    expectInvalid(
      () => privateApi(scope, { vpc: vpcOf(scope) }, { basePath: 'orders/v1' }),
      'customDomain.basePath',
      '"orders/v1"',
      'API Gateway maps on regional domains only, not private ones',
    );
  });

  test('mutual TLS is asked for', () => {
    const scope = stack();
    const bucket = s3.Bucket.fromBucketName(scope, 'Truststores', 'truststores');
    expectInvalid(
      () => privateApi(scope, { vpc: vpcOf(scope) }, { mutualTls: { bucket, key: 'truststore.pem' } }),
      'customDomain.mutualTls',
      '"private domain"',
      'nor for private APIs',
    );
  });

  test('the domain is asked to be IPv4 only', () => {
    const scope = stack();
    expectInvalid(
      () => privateApi(scope, { vpc: vpcOf(scope) }, { ipAddressType: apigw.IpAddressType.IPV4 }),
      'customDomain.ipAddressType',
      '"ipv4"',
      'API Gateway accepts only dual-stack private custom domain names',
    );
  });

  test('the security policy is made for edge-optimized domains', () => {
    const scope = stack();
    expectInvalid(
      () =>
        privateApi(
          scope,
          { vpc: vpcOf(scope) },
          { securityPolicy: apigw.SecurityPolicy.TLS12_PFS_2025_EDGE },
        ),
      'customDomain.securityPolicy',
      '"SecurityPolicy_TLS12_PFS_2025_EDGE"',
      'not offered for private domains',
    );
  });

  test('the certificate is in another Region than the API', () => {
    const scope = stack();
    const arn = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
    expectInvalid(
      () => privateApi(scope, { vpc: vpcOf(scope) }, { certificate: certificate(scope, arn) }),
      'customDomain.certificate',
      JSON.stringify(arn),
      "A private domain's certificate must be in the API's Region, eu-west-1; this one is in us-east-1",
    );
  });
});
