import { App, Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  ApiDomain,
  ApiDomainProps,
  EdgeApi,
  RegionalApi,
  RestApiPresetProps,
  RouteIntegration,
} from '../../lib';
import { Json } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';

const EDGE_CERTIFICATE =
  'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const EU_CERTIFICATE = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: { region: 'eu-west-1' } });
}

function edgeDomain(scope: Stack, props: Partial<ApiDomainProps> = {}): ApiDomain {
  return new ApiDomain(scope, 'Domain', {
    domainName: 'api.example.com',
    certificate: acm.Certificate.fromCertificateArn(scope, 'EdgeCertificate', EDGE_CERTIFICATE),
    endpointType: apigw.EndpointType.EDGE,
    ...props,
  });
}

function regionalDomain(scope: Stack, props: Partial<ApiDomainProps> = {}): ApiDomain {
  return new ApiDomain(scope, 'Domain', {
    domainName: 'api.example.com',
    certificate: acm.Certificate.fromCertificateArn(scope, 'RegionalCertificate', EU_CERTIFICATE),
    ...props,
  });
}

function edgeApi(scope: Stack, id: string, props: RestApiPresetProps = {}): EdgeApi {
  const api = new EdgeApi(scope, id, props);
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  return api;
}

function regionalApi(scope: Stack, id: string, props: RestApiPresetProps = {}): RegionalApi {
  const api = new RegionalApi(scope, id, props);
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  return api;
}

function resources(template: Template, type: string): Array<{ id: string; props: Json }> {
  return Object.entries(template.findResources(type)).map(([id, r]) => ({ id, props: r.Properties }));
}

/** The logical id of the resource of `type` whose id starts with `prefix`. */
function idOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('ApiDomain with two EdgeApis, v1 and v2', () => {
  const scope = stack();
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', {
    hostedZoneId: 'Z0123456789',
    zoneName: 'example.com',
  });
  const domain = edgeDomain(scope, { hostedZone });
  const v1 = edgeApi(scope, 'V1');
  const v2 = edgeApi(scope, 'V2');
  const urls = [domain.addApi('v1', v1), domain.addApi('v2', v2)];
  const template = Template.fromStack(scope);
  const domainId = idOf(template, 'AWS::ApiGateway::DomainName', 'Domain');

  test('one edge-optimized domain name with TLS 1.2', () => {
    expect(resources(template, 'AWS::ApiGateway::DomainName').map((r) => r.props)).toEqual([
      {
        DomainName: 'api.example.com',
        CertificateArn: EDGE_CERTIFICATE,
        EndpointConfiguration: { Types: ['EDGE'], IpAddressType: 'dualstack' },
        SecurityPolicy: 'TLS_1_2',
      },
    ]);
    expect(domain.endpointType).toBe(apigw.EndpointType.EDGE);
  });

  test('maps /v1 to the first API’s stage and /v2 to the second’s', () => {
    const mappings = resources(template, 'AWS::ApiGateway::BasePathMapping').map((r) => r.props);
    expect(mappings).toEqual([
      {
        BasePath: 'v1',
        DomainName: { Ref: domainId },
        RestApiId: { Ref: idOf(template, 'AWS::ApiGateway::RestApi', 'V1') },
        Stage: { Ref: idOf(template, 'AWS::ApiGateway::Stage', 'V1') },
      },
      {
        BasePath: 'v2',
        DomainName: { Ref: domainId },
        RestApiId: { Ref: idOf(template, 'AWS::ApiGateway::RestApi', 'V2') },
        Stage: { Ref: idOf(template, 'AWS::ApiGateway::Stage', 'V2') },
      },
    ]);
  });

  test('returns each version’s URL on the domain', () => {
    expect(urls).toEqual(['https://api.example.com/v1/', 'https://api.example.com/v2/']);
    expect(domain.url).toBe('https://api.example.com/');
  });

  test('the domain’s A and AAAA records, once', () => {
    const records = resources(template, 'AWS::Route53::RecordSet').map((r) => r.props);
    expect(records.map((r) => `${r.Type} ${r.Name}`).sort()).toEqual([
      'A api.example.com.',
      'AAAA api.example.com.',
    ]);
    for (const record of records) {
      expect(record.AliasTarget.DNSName).toEqual({ 'Fn::GetAtt': [domainId, 'DistributionDomainName'] });
    }
  });

  test('each preset keeps its own default endpoint, with a warning on each', () => {
    for (const id of ['V1', 'V2']) {
      const api = resources(template, 'AWS::ApiGateway::RestApi').find((r) => r.id.startsWith(id))!;
      expect(api.props.DisableExecuteApiEndpoint).toBeUndefined();
      Annotations.fromStack(scope).hasWarning(
        `/Stack/${id}`,
        Match.stringLikeRegexp('execute-api-endpoint-open'),
      );
    }
    expect(v1.url).toMatch(/execute-api/);
  });
});

test('a preset with its default endpoint turned off is mapped without a warning', () => {
  const scope = stack();
  const api = regionalApi(scope, 'Orders', { disableExecuteApiEndpoint: true });
  regionalDomain(scope).addApi('v1', api);
  Annotations.fromStack(scope).hasNoWarning('*', Match.stringLikeRegexp('execute-api-endpoint-open'));
  const apis = Object.values(Template.fromStack(scope).findResources('AWS::ApiGateway::RestApi'));
  expect(apis.map((r) => r.Properties.DisableExecuteApiEndpoint)).toEqual([true]);
});

describe('a preset with its default endpoint turned off and no customDomain', () => {
  const unreachable = Match.stringLikeRegexp('api-unreachable');

  test('warns when nothing in the app maps it: no client could reach it', () => {
    const scope = stack();
    regionalApi(scope, 'Orders', { disableExecuteApiEndpoint: true });
    const warnings = Annotations.fromStack(scope).findWarning('/Stack/Orders', unreachable);
    expect(warnings.map((w) => w.entry.data)).toEqual([
      'Stack/Orders has disableExecuteApiEndpoint: true, and no custom domain in this app maps it, so no client ' +
        'can reach the API. Give it a customDomain, map it with ApiDomain.addApi, or keep the default endpoint; ' +
        'if a domain outside this app maps it, acknowledge this warning. [ack: cdk-apigateway-presets:api-unreachable]',
    ]);
  });

  test('does not warn when an ApiDomain maps it after it is constructed', () => {
    const scope = stack();
    const api = regionalApi(scope, 'Orders', { disableExecuteApiEndpoint: true });
    edgeApi(scope, 'Other');
    regionalDomain(scope).addApi('v1', api);
    Annotations.fromStack(scope).hasNoWarning('*', unreachable);
  });

  test('does not warn when a domain in another stack maps it with aws-cdk-lib', () => {
    const app = new App();
    const scope = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    const api = regionalApi(scope, 'Orders', { disableExecuteApiEndpoint: true });
    const other = new Stack(app, 'Domains', { env: { account: '111111111111', region: 'eu-west-1' } });
    const domain = new apigw.DomainName(other, 'Domain', {
      domainName: 'api.example.com',
      certificate: acm.Certificate.fromCertificateArn(other, 'Certificate', EU_CERTIFICATE),
    });
    domain.addBasePathMapping(api.restApi, { basePath: 'orders', stage: api.stages[0] });
    Annotations.fromStack(scope).hasNoWarning('*', unreachable);
  });

  test('the warning can be acknowledged on the preset', () => {
    const scope = stack();
    const api = regionalApi(scope, 'Orders', { disableExecuteApiEndpoint: true });
    CoreAnnotations.of(api).acknowledgeWarning(
      'cdk-apigateway-presets:api-unreachable',
      'Mapped by the platform domain',
    );
    Annotations.fromStack(scope).hasNoWarning('*', unreachable);
  });

  test('an API with its default endpoint, or with a customDomain, is not warned about', () => {
    const scope = stack();
    regionalApi(scope, 'Orders');
    regionalApi(scope, 'Custom', {
      customDomain: {
        domainName: 'orders.example.com',
        certificate: acm.Certificate.fromCertificateArn(scope, 'Certificate', EU_CERTIFICATE),
      },
    });
    Annotations.fromStack(scope).hasNoWarning('*', unreachable);
  });
});

describe('ApiDomain mappings', () => {
  test('a named stage, and the root', () => {
    const scope = stack();
    const domain = regionalDomain(scope);
    const api = regionalApi(scope, 'Orders', { stages: [{ stageName: 'prod' }, { stageName: 'beta' }] });
    expect(domain.addApi('beta', api, { stageName: 'beta' })).toBe('https://api.example.com/beta/');
    expect(domain.addApi('', api)).toBe('https://api.example.com/');
    const template = Template.fromStack(scope);
    const mappings = resources(template, 'AWS::ApiGateway::BasePathMapping').map((r) => r.props);
    const stageId = (name: string) =>
      resources(template, 'AWS::ApiGateway::Stage').find((s) => s.props.StageName === name)!.id;
    expect(mappings.map((m) => [m.BasePath, m.Stage])).toEqual([
      ['beta', { Ref: stageId('beta') }],
      [undefined, { Ref: stageId('prod') }],
    ]);
  });

  test('several levels on a regional domain are an API mapping (V2)', () => {
    const scope = stack();
    const domain = regionalDomain(scope);
    domain.addApi('orders/v2', regionalApi(scope, 'Orders'));
    const template = Template.fromStack(scope);
    expect(resources(template, 'AWS::ApiGatewayV2::ApiMapping').map((r) => r.props.ApiMappingKey)).toEqual([
      'orders/v2',
    ]);
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
  });

  test('a regional domain is created with its regional certificate and no records without a zone', () => {
    const scope = stack();
    regionalDomain(scope).addApi('v1', regionalApi(scope, 'Orders'));
    const template = Template.fromStack(scope);
    expect(resources(template, 'AWS::ApiGateway::DomainName')[0].props).toMatchObject({
      RegionalCertificateArn: EU_CERTIFICATE,
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});

describe('fails when', () => {
  test('a base path is mapped twice', () => {
    const scope = stack();
    const domain = edgeDomain(scope);
    domain.addApi('v1', edgeApi(scope, 'V1'));
    expectInvalid(
      () => domain.addApi('v1', edgeApi(scope, 'Other')),
      'basePath',
      '"v1"',
      'api.example.com already maps this base path',
      'Stack/Domain',
    );
  });

  test('the root is mapped twice', () => {
    const scope = stack();
    const domain = edgeDomain(scope);
    domain.addApi('', edgeApi(scope, 'V1'));
    expectInvalid(
      () => domain.addApi('', edgeApi(scope, 'Other')),
      'basePath',
      '""',
      'api.example.com already maps its root',
      'Stack/Domain',
    );
  });

  test('the API has its own customDomain', () => {
    const scope = stack();
    const domain = edgeDomain(scope);
    const certificate = acm.Certificate.fromCertificateArn(scope, 'Own', EDGE_CERTIFICATE);
    const api = edgeApi(scope, 'V1', { customDomain: { domainName: 'v1.example.com', certificate } });
    expectInvalid(
      () => domain.addApi('v1', api),
      'api',
      '"Stack/V1"',
      'map it either there or on a shared ApiDomain, not both',
      'Stack/Domain',
    );
  });

  test('the API is of another endpoint type than the domain', () => {
    const scope = stack();
    const domain = edgeDomain(scope);
    expectInvalid(
      () => domain.addApi('v1', regionalApi(scope, 'Regional')),
      'api',
      '"Stack/Regional"',
      'This edge-optimized domain maps edge-optimized APIs; this API is regional',
      'Stack/Domain',
    );
  });

  test('the stage is not one of the API’s', () => {
    const scope = stack();
    const domain = edgeDomain(scope);
    expectInvalid(
      () => domain.addApi('v1', edgeApi(scope, 'V1'), { stageName: 'staging' }),
      'stageName',
      '"staging"',
      'This API has the stages prod',
      'Stack/V1',
    );
  });

  test('the base path is invalid', () => {
    const scope = stack();
    const domain = edgeDomain(scope);
    expectInvalid(
      () => domain.addApi('/v1', edgeApi(scope, 'V1')),
      'basePath',
      '"/v1"',
      'write "v1"',
      'Stack/Domain',
    );
  });

  test('several levels are asked of an edge-optimized domain', () => {
    const scope = stack();
    const domain = edgeDomain(scope);
    expectInvalid(
      () => domain.addApi('orders/v1', edgeApi(scope, 'V1')),
      'basePath',
      '"orders/v1"',
      'API Gateway maps on regional domains only, not edge-optimized ones',
      'Stack/Domain',
    );
  });

  test('the endpoint type is PRIVATE', () => {
    expectInvalid(
      () => regionalDomain(stack(), { endpointType: apigw.EndpointType.PRIVATE }),
      'endpointType',
      '"PRIVATE"',
      "a private API gets its private custom domain through the preset's own customDomain",
      'Stack/Domain',
    );
  });

  test('the domain name is invalid', () => {
    expectInvalid(
      () => edgeDomain(stack(), { domainName: 'https://api.example.com' }),
      'domainName',
      '"https://api.example.com"',
      'It has a scheme',
      'Stack/Domain',
    );
  });

  test('an edge-optimized domain’s certificate is not in us-east-1', () => {
    const scope = stack();
    expectInvalid(
      () =>
        edgeDomain(scope, { certificate: acm.Certificate.fromCertificateArn(scope, 'Eu', EU_CERTIFICATE) }),
      'certificate',
      JSON.stringify(EU_CERTIFICATE),
      'this one is in eu-west-1',
      'Stack/Domain',
    );
  });

  test('the security policy is TLS 1.0', () => {
    expectInvalid(
      () => regionalDomain(stack(), { securityPolicy: apigw.SecurityPolicy.TLS_1_0 }),
      'securityPolicy',
      '"TLS_1_0"',
      'TLS 1.2 at least',
      'Stack/Domain',
    );
  });

  test('the hosted zone does not hold the domain', () => {
    const scope = stack();
    const zone = route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', {
      hostedZoneId: 'Z0123456789',
      zoneName: 'example.org',
    });
    expectInvalid(
      () => regionalDomain(scope, { hostedZone: zone }),
      'hostedZone',
      '"example.org"',
      'cannot hold a record for api.example.com',
      'Stack/Domain',
    );
  });
});
