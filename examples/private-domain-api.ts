import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { PrivateApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/** The example VPC's address range, literal so the endpoint's security group rule can be checked. */
const VPC_CIDR = '10.20.0.0/16';

/**
 * A PrivateApi over an existing execute-api VPC endpoint, reached inside the VPC at
 * `https://orders.internal.example.com/`: a private custom domain (DomainNameV2) whose policy admits
 * only the endpoint, its access association, and an alias record in the VPC's private hosted zone.
 * The default execute-api endpoint is disabled, so the domain is the only way in.
 */
export class PrivateDomainApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    // A Region and no account: the certificate's Region is checked at synth, and nothing is looked up.
    super(scope, id, { env: { region: 'eu-west-1' }, ...props });

    // The network the API's callers live in: isolated subnets, flow logs kept for a year.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });

    // The execute-api endpoint the VPC already has (owned here, or in a network stack of the app).
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'ExecuteApiSecurityGroup', {
      vpc,
      description: 'HTTPS to execute-api from the VPC',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(443), 'HTTPS from the VPC');
    const endpoint = vpc.addInterfaceEndpoint('ExecuteApi', {
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
      securityGroups: [endpointSecurityGroup],
      open: false,
      // No private DNS: the VPC keeps reaching public APIs by their default host names.
      privateDnsEnabled: false,
    });
    const zone = new route53.PrivateHostedZone(this, 'InternalZone', {
      zoneName: 'internal.example.com',
      vpc,
    });

    // A private domain's certificate lives in the API's Region.
    const certificate = acm.Certificate.fromCertificateArn(
      this,
      'Certificate',
      'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555',
    );
    const orders = new ExampleFunction(this, 'Orders', {
      description: 'Lists orders',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify([{ id: '1' }]) });`,
    });
    const api = new PrivateApi(this, 'Api', {
      apiName: 'orders-internal',
      vpcEndpoints: [endpoint],
      customDomain: { domainName: 'orders.internal.example.com', certificate, hostedZone: zone },
    });
    api.addRoute('GET', '/orders', RouteIntegration.lambdaFunction(orders.function));
  }
}
