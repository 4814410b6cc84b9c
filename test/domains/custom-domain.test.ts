import { App, CfnParameter, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CustomDomainOptions, EdgeApi, RegionalApi, RestApiPresetProps, RouteIntegration } from '../../lib';
import { definitionOf, Json } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { urlOutputs } from '../support/outputs';

const EDGE_CERTIFICATE =
  'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const EU_CERTIFICATE = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

/** A stack at the path Stack (an App of its own), in eu-west-1 unless told otherwise. */
function stack(props: StackProps = { env: { region: 'eu-west-1' } }): Stack {
  return new Stack(new App(), 'Stack', props);
}

function certificate(scope: Stack, arn = EDGE_CERTIFICATE): acm.ICertificate {
  return acm.Certificate.fromCertificateArn(scope, `Certificate${scope.node.children.length}`, arn);
}

function zone(scope: Stack, zoneName = 'example.com'): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', {
    hostedZoneId: 'Z0123456789',
    zoneName,
  });
}

type DomainOverrides = Partial<CustomDomainOptions>;

/** An EdgeApi at Stack/Api with one route and a custom domain on api.example.com. */
function edgeApi(overrides: DomainOverrides = {}, scope = stack(), props: RestApiPresetProps = {}): EdgeApi {
  const api = new EdgeApi(scope, 'Api', {
    ...props,
    customDomain: { domainName: 'api.example.com', certificate: certificate(scope), ...overrides },
  });
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  return api;
}

/** A RegionalApi at Stack/Api with one route and a custom domain on api.example.com (eu-west-1). */
function regionalApi(
  overrides: DomainOverrides = {},
  scope = stack(),
  props: RestApiPresetProps = {},
): RegionalApi {
  const api = new RegionalApi(scope, 'Api', {
    ...props,
    customDomain: {
      domainName: 'api.example.com',
      certificate: certificate(scope, EU_CERTIFICATE),
      ...overrides,
    },
  });
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  return api;
}

function resources(template: Template, type: string): Json[] {
  return Object.values(template.findResources(type));
}

function only(template: Template, type: string): Json {
  const found = resources(template, type);
  expect(found).toHaveLength(1);
  return found[0];
}

function logicalId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('edge-optimized custom domain', () => {
  const scope = stack();
  const api = edgeApi({ hostedZone: zone(scope), basePath: 'v1' }, scope);
  const template = Template.fromStack(Stack.of(api));

  test('is an EDGE domain name with the certificate (us-east-1), TLS 1.2 and dual-stack', () => {
    expect(only(template, 'AWS::ApiGateway::DomainName').Properties).toEqual({
      DomainName: 'api.example.com',
      CertificateArn: EDGE_CERTIFICATE,
      EndpointConfiguration: { Types: ['EDGE'], IpAddressType: 'dualstack' },
      SecurityPolicy: 'TLS_1_2',
    });
  });

  test('maps the base path to the first stage of the API', () => {
    expect(only(template, 'AWS::ApiGateway::BasePathMapping').Properties).toEqual({
      BasePath: 'v1',
      DomainName: { Ref: logicalId(template, 'AWS::ApiGateway::DomainName') },
      RestApiId: { Ref: logicalId(template, 'AWS::ApiGateway::RestApi') },
      Stage: { Ref: logicalId(template, 'AWS::ApiGateway::Stage') },
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
  });

  test('creates A and AAAA alias records to the domain’s CloudFront distribution', () => {
    const domain = logicalId(template, 'AWS::ApiGateway::DomainName');
    const records = resources(template, 'AWS::Route53::RecordSet').map((r) => r.Properties);
    expect(records.map((r) => r.Type).sort()).toEqual(['A', 'AAAA']);
    for (const record of records) {
      expect(record).toEqual({
        Name: 'api.example.com.',
        Type: record.Type,
        HostedZoneId: 'Z0123456789',
        AliasTarget: {
          DNSName: { 'Fn::GetAtt': [domain, 'DistributionDomainName'] },
          HostedZoneId: { 'Fn::GetAtt': [domain, 'DistributionHostedZoneId'] },
        },
      });
    }
  });

  test('disables the default execute-api endpoint, in the definition and on the REST API', () => {
    const endpoint = definitionOf(template).servers[0]['x-amazon-apigateway-endpoint-configuration'];
    expect(endpoint).toEqual({ disableExecuteApiEndpoint: true });
    expect(only(template, 'AWS::ApiGateway::RestApi').Properties.DisableExecuteApiEndpoint).toBe(true);
  });

  test('url is on the domain, and no stage URL is output', () => {
    expect(api.url).toBe('https://api.example.com/v1/');
    expect(Object.keys(urlOutputs(template))).toEqual([]);
  });

  test('leaves no warning', () => {
    Annotations.fromStack(Stack.of(api)).hasNoWarning('*', Match.anyValue());
  });
});

describe('the default execute-api endpoint', () => {
  test('turned off without a custom domain: the property, the definition, and no URL output', () => {
    const api = new EdgeApi(stack(), 'Api', { disableExecuteApiEndpoint: true });
    api.addRoute('GET', '/orders', RouteIntegration.mock());
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::RestApi').Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(definitionOf(template).servers).toEqual([
      { url: '/', 'x-amazon-apigateway-endpoint-configuration': { disableExecuteApiEndpoint: true } },
    ]);
    expect(Object.keys(urlOutputs(template))).toEqual([]);
    expect(api.domain).toBeUndefined();
  });

  test('kept by default without a custom domain', () => {
    const api = new EdgeApi(stack(), 'Api');
    api.addRoute('GET', '/orders', RouteIntegration.mock());
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::RestApi').Properties.DisableExecuteApiEndpoint).toBeUndefined();
    expect(Object.keys(urlOutputs(template))).toHaveLength(1);
  });
});

describe('custom domain options', () => {
  test('exposes the domain name', () => {
    const api = regionalApi();
    expect(api.domain).toBeInstanceOf(apigw.DomainName);
    expect(Stack.of(api).resolve(api.domain!.domainName)).toEqual({
      Ref: expect.stringMatching(/^ApiDomain/),
    });
  });

  test('an invalid domain fails before any resource of the API is created', () => {
    const scope = stack();
    expectInvalid(
      () => edgeApi({ domainName: 'API.example.com' }, scope),
      'customDomain.domainName',
      '"API.example.com"',
      '',
    );
    expect(scope.node.findAll().filter((c) => c instanceof apigw.CfnRestApi)).toEqual([]);
  });

  test('without a hosted zone, creates no records; without a base path, maps the root', () => {
    const api = edgeApi();
    const template = Template.fromStack(Stack.of(api));
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(only(template, 'AWS::ApiGateway::BasePathMapping').Properties.BasePath).toBeUndefined();
    expect(api.url).toBe('https://api.example.com/');
  });

  test('disableExecuteApiEndpoint: false keeps the default endpoint and its URL outputs, with a warning', () => {
    const api = edgeApi({}, stack(), { disableExecuteApiEndpoint: false });
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::RestApi').Properties.DisableExecuteApiEndpoint).toBeUndefined();
    expect(definitionOf(template).servers).toBeUndefined();
    expect(Object.keys(urlOutputs(template))).toHaveLength(1);
    expect(api.url).toBe('https://api.example.com/');
    Annotations.fromStack(Stack.of(api)).hasWarning(
      '/Stack/Api',
      Match.stringLikeRegexp('execute-api-endpoint-kept'),
    );
  });

  test('an enhanced edge policy gets the STRICT endpoint access mode unless told otherwise', () => {
    const strict = edgeApi({ securityPolicy: apigw.SecurityPolicy.TLS13_2025_EDGE });
    expect(
      only(Template.fromStack(Stack.of(strict)), 'AWS::ApiGateway::DomainName').Properties,
    ).toMatchObject({
      SecurityPolicy: 'SecurityPolicy_TLS13_2025_EDGE',
      EndpointAccessMode: 'STRICT',
    });
    const basic = edgeApi({
      securityPolicy: apigw.SecurityPolicy.TLS12_PFS_2025_EDGE,
      endpointAccessMode: apigw.EndpointAccessMode.BASIC,
    });
    expect(only(Template.fromStack(Stack.of(basic)), 'AWS::ApiGateway::DomainName').Properties).toMatchObject(
      {
        SecurityPolicy: 'SecurityPolicy_TLS12_PFS_2025_EDGE',
        EndpointAccessMode: 'BASIC',
      },
    );
  });

  test('TLS_1_2 gets no endpoint access mode', () => {
    const api = edgeApi();
    const domain = only(Template.fromStack(Stack.of(api)), 'AWS::ApiGateway::DomainName');
    expect(domain.Properties.EndpointAccessMode).toBeUndefined();
  });

  test('an IPv4-only domain gets an A record and no AAAA record', () => {
    const scope = stack();
    const api = edgeApi({ hostedZone: zone(scope), ipAddressType: apigw.IpAddressType.IPV4 }, scope);
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::DomainName').Properties.EndpointConfiguration).toEqual({
      Types: ['EDGE'],
      IpAddressType: 'ipv4',
    });
    expect(resources(template, 'AWS::Route53::RecordSet').map((r) => r.Properties.Type)).toEqual(['A']);
  });

  test('a wildcard domain name and a zone that is a parent of the domain are accepted', () => {
    const scope = stack();
    const api = edgeApi({ domainName: '*.tenants.example.com', hostedZone: zone(scope) }, scope);
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::DomainName').Properties.DomainName).toBe('*.tenants.example.com');
    expect(resources(template, 'AWS::Route53::RecordSet')[0].Properties.Name).toBe('*.tenants.example.com.');
  });

  test('values known only at deploy time are passed through unchecked', () => {
    const scope = stack();
    const name = new CfnParameter(scope, 'DomainName').valueAsString;
    const path = new CfnParameter(scope, 'BasePath').valueAsString;
    const arn = new CfnParameter(scope, 'CertificateArn').valueAsString;
    const api = edgeApi({ domainName: name, basePath: path, certificate: certificate(scope, arn) }, scope);
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::DomainName').Properties.DomainName).toEqual({
      Ref: 'DomainName',
    });
    expect(only(template, 'AWS::ApiGateway::BasePathMapping').Properties.BasePath).toEqual({
      Ref: 'BasePath',
    });
  });

  test('a certificate created in a us-east-1 stack is accepted for an edge domain', () => {
    const scope = stack({ env: { region: 'us-east-1' } });
    const created = new acm.Certificate(scope, 'Created', { domainName: 'api.example.com' });
    const api = new EdgeApi(scope, 'Api', {
      customDomain: { domainName: 'api.example.com', certificate: created },
    });
    api.addRoute('GET', '/orders', RouteIntegration.mock());
    Template.fromStack(scope).resourceCountIs('AWS::ApiGateway::DomainName', 1);
  });
});

describe('a certificate from a us-east-1 stack, for an edge-optimized API in another Region', () => {
  test('is accepted, and reaches the API stack as a cross-region reference', () => {
    // GIVEN the documented setup (docs/CUSTOM-DOMAINS.md): the certificate in a us-east-1 stack
    const app = new App();
    const certificates = new Stack(app, 'Certificates', {
      env: { region: 'us-east-1' },
      crossRegionReferences: true,
    });
    const certificate = new acm.Certificate(certificates, 'Api', {
      domainName: 'api.example.com',
      validation: acm.CertificateValidation.fromDns(),
    });
    const apiStack = new Stack(app, 'Api', { env: { region: 'eu-west-1' }, crossRegionReferences: true });

    // WHEN the API in eu-west-1 uses it
    const api = new EdgeApi(apiStack, 'Orders', {
      customDomain: { domainName: 'api.example.com', certificate },
    });
    api.addRoute('GET', '/orders', RouteIntegration.mock());

    // THEN the domain name reads the certificate's ARN from the us-east-1 stack at deploy time
    const arn = only(Template.fromStack(apiStack), 'AWS::ApiGateway::DomainName').Properties.CertificateArn;
    expect(JSON.stringify(arn)).toMatch(/ExportsReader/);
  });
});

describe('regional custom domain', () => {
  test('is a REGIONAL domain name with the regional certificate', () => {
    const api = regionalApi();
    expect(only(Template.fromStack(Stack.of(api)), 'AWS::ApiGateway::DomainName').Properties).toEqual({
      DomainName: 'api.example.com',
      RegionalCertificateArn: EU_CERTIFICATE,
      EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' },
      SecurityPolicy: 'TLS_1_2',
    });
  });

  test('the records alias the regional domain name', () => {
    const scope = stack();
    const api = regionalApi({ hostedZone: zone(scope) }, scope);
    const template = Template.fromStack(Stack.of(api));
    const domain = logicalId(template, 'AWS::ApiGateway::DomainName');
    for (const record of resources(template, 'AWS::Route53::RecordSet')) {
      expect(record.Properties.AliasTarget).toEqual({
        DNSName: { 'Fn::GetAtt': [domain, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [domain, 'RegionalHostedZoneId'] },
      });
    }
  });

  test('a base path of several levels is an API mapping (V2), the only mapping that takes them', () => {
    const api = regionalApi({ basePath: 'orders/v1' });
    const template = Template.fromStack(Stack.of(api));
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
    expect(only(template, 'AWS::ApiGatewayV2::ApiMapping').Properties).toEqual({
      DomainName: { Ref: logicalId(template, 'AWS::ApiGateway::DomainName') },
      ApiId: { Ref: logicalId(template, 'AWS::ApiGateway::RestApi') },
      Stage: { Ref: logicalId(template, 'AWS::ApiGateway::Stage') },
      ApiMappingKey: 'orders/v1',
    });
    expect(api.url).toBe('https://api.example.com/orders/v1/');
  });

  test('an enhanced regional policy is accepted, with STRICT access', () => {
    const api = regionalApi({ securityPolicy: apigw.SecurityPolicy.TLS13_1_3_FIPS_2025_09 });
    expect(only(Template.fromStack(Stack.of(api)), 'AWS::ApiGateway::DomainName').Properties).toMatchObject({
      SecurityPolicy: 'SecurityPolicy_TLS13_1_3_FIPS_2025_09',
      EndpointAccessMode: 'STRICT',
    });
  });

  test('mutual TLS reads the truststore from S3 and keeps the default endpoint disabled', () => {
    const scope = stack();
    const bucket = s3.Bucket.fromBucketName(scope, 'Truststores', 'truststores');
    const api = regionalApi({ mutualTls: { bucket, key: 'clients/truststore.pem', version: 'v7' } }, scope);
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::DomainName').Properties).toMatchObject({
      MutualTlsAuthentication: {
        TruststoreUri: 's3://truststores/clients/truststore.pem',
        TruststoreVersion: 'v7',
      },
      SecurityPolicy: 'TLS_1_2',
    });
    expect(only(template, 'AWS::ApiGateway::RestApi').Properties.DisableExecuteApiEndpoint).toBe(true);
  });

  test('mutual TLS takes the truststore as an s3:// URI of its bucket, rendered once', () => {
    const scope = stack();
    const bucket = s3.Bucket.fromBucketName(scope, 'Truststores', 'truststores');
    const api = regionalApi({ mutualTls: { bucket, key: 's3://truststores/clients/truststore.pem' } }, scope);
    const template = Template.fromStack(Stack.of(api));
    expect(only(template, 'AWS::ApiGateway::DomainName').Properties.MutualTlsAuthentication).toEqual({
      TruststoreUri: 's3://truststores/clients/truststore.pem',
    });
  });
});

describe('fails when', () => {
  describe('the domain name', () => {
    test.each([
      ['has a scheme', 'https://api.example.com', 'It has a scheme'],
      ['has a path', 'api.example.com/v1', 'It has a path'],
      ['has a port', 'api.example.com:8443', 'It has a port'],
      ['has upper-case letters', 'API.example.com', 'upper-case letters'],
      ['ends with a dot', 'api.example.com.', 'It ends with a dot'],
      ['has one label', 'localhost', 'single label'],
      ['has an empty label', 'api..example.com', 'Its label "" is not a DNS label'],
      ['has a label starting with a hyphen', '-api.example.com', 'Its label "-api"'],
      ['has a label ending with a hyphen', 'api-.example.com', 'Its label "api-"'],
      ['has an underscore', 'my_api.example.com', 'Its label "my_api"'],
      ['has a label of 64 characters', `${'a'.repeat(64)}.example.com`, 'is not a DNS label'],
      ['has a wildcard that is not the first label', 'api.*.example.com', 'Its label "*"'],
      ['is longer than 253 characters', `${'a.'.repeat(126)}com`, 'It is 255 characters long'],
    ])('%s', (_, domainName, reason) => {
      expectInvalid(
        () => edgeApi({ domainName }),
        'customDomain.domainName',
        JSON.stringify(domainName),
        reason,
      );
    });

    test('says what a domain name is', () => {
      expectInvalid(
        () => edgeApi({ domainName: 'API.example.com' }),
        'customDomain.domainName',
        '"API.example.com"',
        'A custom domain name is a lower-case host name such as "api.example.com"',
      );
    });
  });

  describe('the base path', () => {
    test.each([
      ['starts with /', '/v1', 'write "v1"'],
      ['ends with /', 'v1/', 'write "v1"'],
      ['is empty', '', 'leave the base path out'],
      ['is (none)', '(none)', 'leave the base path out'],
      ['has an empty level', 'orders//v1', 'It has an empty level'],
      ['has a character API Gateway does not allow', 'v1?beta', 'a character API Gateway does not allow'],
      ['has a space', 'v 1', 'a character API Gateway does not allow'],
      ['is longer than 300 characters', 'v'.repeat(301), 'It is 301 characters long'],
    ])('%s', (_, basePath, reason) => {
      expectInvalid(
        () => regionalApi({ basePath }),
        'customDomain.basePath',
        JSON.stringify(basePath),
        reason,
      );
    });

    test('has several levels on an edge-optimized domain', () => {
      expectInvalid(
        () => edgeApi({ basePath: 'orders/v1' }),
        'customDomain.basePath',
        '"orders/v1"',
        'API Gateway maps on regional domains only, not edge-optimized ones',
      );
    });
  });

  describe('the security policy', () => {
    test('is TLS 1.0', () => {
      expectInvalid(
        () => edgeApi({ securityPolicy: apigw.SecurityPolicy.TLS_1_0 }),
        'customDomain.securityPolicy',
        '"TLS_1_0"',
        'TLS 1.2 at least',
      );
    });

    test('is a regional policy on an edge-optimized domain', () => {
      expectInvalid(
        () => edgeApi({ securityPolicy: apigw.SecurityPolicy.TLS13_1_3_2025_09 }),
        'customDomain.securityPolicy',
        '"SecurityPolicy_TLS13_1_3_2025_09"',
        'not offered for edge-optimized domains; use TLS_1_2 or an enhanced policy for edge-optimized endpoints',
      );
    });

    test('is an edge policy on a regional domain', () => {
      expectInvalid(
        () => regionalApi({ securityPolicy: apigw.SecurityPolicy.TLS13_2025_EDGE }),
        'customDomain.securityPolicy',
        '"SecurityPolicy_TLS13_2025_EDGE"',
        'not offered for regional domains',
      );
    });

    test('is legacy and an endpoint access mode is given', () => {
      expectInvalid(
        () => regionalApi({ endpointAccessMode: apigw.EndpointAccessMode.STRICT }),
        'customDomain.endpointAccessMode',
        '"STRICT"',
        'An endpoint access mode goes with an enhanced security policy',
      );
    });
  });

  describe('the certificate', () => {
    test('of an edge-optimized domain is in another Region than us-east-1 (a literal ARN)', () => {
      expectInvalid(
        () => edgeApi({ certificate: certificate(stack(), EU_CERTIFICATE) }),
        'customDomain.certificate',
        JSON.stringify(EU_CERTIFICATE),
        'CloudFront, which takes its certificate from us-east-1 only; this one is in eu-west-1',
      );
    });

    test('of an edge-optimized domain is created in a stack in another Region', () => {
      const scope = stack({ env: { region: 'eu-central-1' } });
      const created = new acm.Certificate(scope, 'Created', { domainName: 'api.example.com' });
      expectInvalid(
        () => edgeApi({ certificate: created }, scope),
        'customDomain.certificate',
        '"a certificate in eu-central-1"',
        'this one is in eu-central-1',
      );
    });

    test('of a regional domain is in another Region than the API', () => {
      expectInvalid(
        () => regionalApi({ certificate: certificate(stack(), EDGE_CERTIFICATE) }),
        'customDomain.certificate',
        JSON.stringify(EDGE_CERTIFICATE),
        "A regional domain's certificate must be in the API's Region, eu-west-1; this one is in us-east-1",
      );
    });

    test('is not an ACM certificate', () => {
      const arn = 'arn:aws:iam::111111111111:server-certificate/api';
      expectInvalid(
        () => edgeApi({ certificate: certificate(stack(), arn) }),
        'customDomain.certificate',
        JSON.stringify(arn),
        'API Gateway takes custom domain certificates from AWS Certificate Manager',
      );
    });
  });

  describe('the hosted zone', () => {
    test('does not hold the domain name', () => {
      const scope = stack();
      expectInvalid(
        () => edgeApi({ hostedZone: zone(scope, 'example.org') }, scope),
        'customDomain.hostedZone',
        '"example.org"',
        'The hosted zone example.org cannot hold a record for api.example.com',
      );
    });

    test('is a sibling whose name ends like the domain', () => {
      const scope = stack();
      expectInvalid(
        () => edgeApi({ domainName: 'api.myexample.com', hostedZone: zone(scope, 'example.com') }, scope),
        'customDomain.hostedZone',
        '"example.com"',
        'cannot hold a record for api.myexample.com',
      );
    });

    test('is imported without its name', () => {
      const scope = stack();
      const byId = route53.HostedZone.fromHostedZoneId(scope, 'ById', 'Z0123456789');
      expectInvalid(
        () => edgeApi({ hostedZone: byId }, scope),
        'customDomain.hostedZone',
        '"Stack/ById"',
        'fromHostedZoneAttributes',
      );
    });
  });

  describe('mutual TLS', () => {
    function truststore(scope: Stack): s3.IBucket {
      return s3.Bucket.fromBucketName(scope, 'Truststores', 'truststores');
    }

    test('is asked for on an edge-optimized domain', () => {
      const scope = stack();
      expectInvalid(
        () => edgeApi({ mutualTls: { bucket: truststore(scope), key: 'truststore.pem' } }, scope),
        'customDomain.mutualTls',
        '"edge-optimized domain"',
        'API Gateway offers mutual TLS on regional custom domains only',
      );
    });

    test.each([
      ['empty', ''],
      ['blank', '  '],
      ['starting with /', '/truststore.pem'],
    ])('has a key that is %s', (_, key) => {
      const scope = stack();
      expectInvalid(
        () => regionalApi({ mutualTls: { bucket: truststore(scope), key } }, scope),
        'customDomain.mutualTls.key',
        JSON.stringify(key),
        "The truststore's object key in the bucket",
      );
    });

    test('has a key that is an s3:// URI of another bucket', () => {
      const scope = stack();
      expectInvalid(
        () =>
          regionalApi({ mutualTls: { bucket: truststore(scope), key: 's3://other/truststore.pem' } }, scope),
        'customDomain.mutualTls.key',
        '"s3://other/truststore.pem"',
        'The truststore\'s object key in mutualTls.bucket (truststores); this URI names the bucket "other". ' +
          'Give the key alone, e.g. "truststore.pem", and the bucket that holds it as mutualTls.bucket.',
      );
    });

    test("has a key that is an s3:// URI while the bucket's name is known only at deploy", () => {
      const scope = stack();
      const bucket = new s3.Bucket(scope, 'Truststores');
      expectInvalid(
        () => regionalApi({ mutualTls: { bucket, key: 's3://truststores/clients/ca.pem' } }, scope),
        'customDomain.mutualTls.key',
        '"s3://truststores/clients/ca.pem"',
        "not an s3:// URI: the bucket's name is known only at deploy, so the URI cannot be checked against it. " +
          'Give the key alone, e.g. "clients/ca.pem".',
      );
    });

    test('has a key that is an s3:// URI of its bucket without an object key', () => {
      const scope = stack();
      expectInvalid(
        () => regionalApi({ mutualTls: { bucket: truststore(scope), key: 's3://truststores/' } }, scope),
        'customDomain.mutualTls.key',
        '"s3://truststores/"',
        "The truststore's object key in the bucket",
      );
    });

    test('has an empty version', () => {
      const scope = stack();
      expectInvalid(
        () =>
          regionalApi(
            { mutualTls: { bucket: truststore(scope), key: 'truststore.pem', version: '' } },
            scope,
          ),
        'customDomain.mutualTls.version',
        '""',
        'An S3 object version id',
      );
    });

    test('is combined with an enhanced security policy', () => {
      const scope = stack();
      expectInvalid(
        () =>
          regionalApi(
            {
              mutualTls: { bucket: truststore(scope), key: 'truststore.pem' },
              securityPolicy: apigw.SecurityPolicy.TLS13_1_3_2025_09,
            },
            scope,
          ),
        'customDomain.securityPolicy',
        '"SecurityPolicy_TLS13_1_3_2025_09"',
        'API Gateway enables mutual TLS only on domains with the TLS_1_2 security policy',
      );
    });

    test('keeps the default execute-api endpoint', () => {
      const scope = stack();
      expectInvalid(
        () =>
          regionalApi({ mutualTls: { bucket: truststore(scope), key: 'truststore.pem' } }, scope, {
            disableExecuteApiEndpoint: false,
          }),
        'disableExecuteApiEndpoint',
        'false',
        'clients could call it without a certificate',
      );
    });
  });
});
