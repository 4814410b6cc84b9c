import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PrivateApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * A PrivateApi in a new VPC: the preset creates the execute-api endpoint (HTTPS from the VPC only)
 * and a resource policy that lets nothing in but through it. Callers in the VPC use the
 * endpoint-specific URL the stack outputs; private DNS stays off, so the VPC still reaches public APIs.
 */
export class PrivateVpcApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: { All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) } },
    });

    const inventory = new ExampleFunction(this, 'Inventory', {
      description: 'Lists the inventory for internal callers',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ items: [] }) });`,
    });

    const api = new PrivateApi(this, 'Api', { apiName: 'inventory', vpc });
    api.addRoute('GET', '/items', RouteIntegration.lambdaFunction(inventory.function));
  }
}
