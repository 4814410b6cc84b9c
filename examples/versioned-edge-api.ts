import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ApiDomain, EdgeApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * Two versions of an API on one custom domain: `https://api.example.com/v1/` is one EdgeApi,
 * `https://api.example.com/v2/` another, each with its own stages, deployments and web ACL, so v2 can
 * change and deploy without touching v1. The domain is edge-optimized, like the APIs, with TLS 1.2 at
 * least and A and AAAA alias records in the example.com zone.
 */
export class VersionedEdgeApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // An edge-optimized domain's certificate lives in us-east-1, whatever the stack's Region.
    const certificate = acm.Certificate.fromCertificateArn(
      this,
      'Certificate',
      'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555',
    );
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      zoneName: 'example.com',
    });
    const domain = new ApiDomain(this, 'Domain', {
      domainName: 'api.example.com',
      certificate,
      hostedZone,
      endpointType: apigw.EndpointType.EDGE,
    });

    const v1Orders = new ExampleFunction(this, 'OrdersV1', {
      description: 'Lists orders (v1)',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify([{ id: '1' }]) });`,
    });
    // Reached through the domain only: the default execute-api endpoints are turned off, and each contract
    // names its base URL on the shared domain.
    const v1 = new EdgeApi(this, 'V1', {
      apiName: 'orders-v1',
      disableExecuteApiEndpoint: true,
      openApiServers: ['https://api.example.com/v1'],
    });
    v1.addRoute('GET', '/orders', RouteIntegration.lambdaFunction(v1Orders.function));

    const v2Orders = new ExampleFunction(this, 'OrdersV2', {
      description: 'Lists orders (v2): paginated',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ items: [{ id: '1' }], next: null }) });`,
    });
    const v2 = new EdgeApi(this, 'V2', {
      apiName: 'orders-v2',
      disableExecuteApiEndpoint: true,
      openApiServers: ['https://api.example.com/v2'],
    });
    v2.addRoute('GET', '/orders', RouteIntegration.lambdaFunction(v2Orders.function));

    for (const [basePath, api] of [
      ['v1', v1],
      ['v2', v2],
    ] as const) {
      const url = domain.addApi(basePath, api);
      new CfnOutput(this, `Url.${basePath}`, { value: url, description: `Invoke URL of ${basePath}` });
    }
  }
}
