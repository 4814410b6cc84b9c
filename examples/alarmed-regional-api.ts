import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AccessLogs, RegionalApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * A RegionalApi watched in CloudWatch: AWS's recommended alarms on each stage (4XX and 5XX error rates,
 * p90 latency; the 5XX alarm tightened to 1 %), notifying an SNS topic the preset creates (encrypted with
 * a customer managed key, TLS-only), a dashboard of both stages, detailed per-method metrics on `prod`
 * only, and access logs to Amazon Data Firehose. With Firehose access logs there is no log group to save
 * Logs Insights queries with or to read throttles from; `AccessLogs.cloudWatch()` adds both.
 */
export class AlarmedRegionalApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const orders = new ExampleFunction(this, 'Orders', {
      description: 'Lists orders',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ orders: [] }) });`,
    });

    const api = new RegionalApi(this, 'Api', {
      stages: [{ stageName: 'prod', detailedMetrics: true }, { stageName: 'staging' }],
      accessLogs: AccessLogs.firehose({ retention: Duration.days(90) }),
      alarms: { serverErrorRate: { threshold: 0.01 } },
      dashboard: {},
    });
    api.addRoute('GET', '/orders', RouteIntegration.lambdaFunction(orders.function));
  }
}
