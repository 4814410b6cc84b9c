import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AccessLogs, RegionalApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * A RegionalApi whose access logs go to Amazon Data Firehose: the preset creates the stream (named
 * `amazon-apigateway-...`, as API Gateway requires) and the S3 bucket it delivers to, encrypted with a
 * KMS key, TLS-only and retained, keeping the logs for 90 days.
 */
export class FirehoseLogsRegionalApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const orders = new ExampleFunction(this, 'Orders', {
      description: 'Lists orders',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ orders: [] }) });`,
    });

    const api = new RegionalApi(this, 'Api', {
      accessLogs: AccessLogs.firehose({ retention: Duration.days(90) }),
    });
    api.addRoute('GET', '/orders', RouteIntegration.lambdaFunction(orders.function));
  }
}
