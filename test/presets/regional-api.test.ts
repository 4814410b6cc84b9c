import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { RegionalApi, RegionalApiProps, RouteIntegration } from '../../lib';
import { expectInvalid } from '../support/expect-invalid';

const MOCK = RouteIntegration.mock();

function regional(props?: RegionalApiProps): RegionalApi {
  const api = new RegionalApi(
    new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack'),
    'Api',
    props,
  );
  api.addRoute('GET', '/orders', MOCK);
  return api;
}

describe('RegionalApi', () => {
  test('is a REGIONAL, IPv4 API behind a web ACL, with every default of the engine', () => {
    const t = Template.fromStack(Stack.of(regional()));
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'ipv4' },
      Parameters: { endpointConfigurationTypes: 'REGIONAL' },
      Mode: 'overwrite',
    });
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    t.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  });

  test('is reachable over IPv6 too with a dual-stack IP address type', () => {
    const t = Template.fromStack(Stack.of(regional({ ipAddressType: apigw.IpAddressType.DUAL_STACK })));
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' },
    });
  });

  test('fails when an integration timeout is over 29 seconds without longIntegrationTimeouts, and allows it with', () => {
    expectInvalid(
      () => regional().addRoute('GET', '/slow', MOCK, { timeout: Duration.seconds(30) }),
      'timeout of GET /slow',
      '"30 seconds"',
      "A regional API allows integration timeouts of whole milliseconds from 50 ms to 29 seconds unless the account's quota is raised: after raising 'Maximum integration timeout in milliseconds' in Service Quotas, set longIntegrationTimeouts: true for up to 300 seconds.",
    );
    const long = regional({ longIntegrationTimeouts: true });
    long.addRoute('GET', '/slow', MOCK, { timeout: Duration.minutes(5) });
    const body = Template.fromStack(Stack.of(long)).toJSON();
    expect(JSON.stringify(body)).toContain('"timeoutInMillis":300000');
  });
});
