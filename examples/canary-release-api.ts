import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RegionalApi, RouteIntegration, StageOptions } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * A RegionalApi released through a canary on its `prod` stage, while `beta` always serves the newest
 * deployment. With the context value `prodDeploymentId` (the `DeploymentId` output of the last deploy,
 * `cdk deploy -c prodDeploymentId=<id>`), `prod` keeps serving that deployment and sends 10 percent of its
 * requests to the newest one; without it, `prod` serves the newest deployment (a first deploy, or a
 * promotion).
 */
export class CanaryReleaseApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const pinned: string | undefined = this.node.tryGetContext('prodDeploymentId');
    const prod: StageOptions = pinned
      ? { stageName: 'prod', deploymentId: pinned, canary: { percentTraffic: 10 } }
      : { stageName: 'prod' };

    const handler = new ExampleFunction(this, 'Orders', {
      description: 'Reads and places orders',
      code: `exports.handler = async (event) => ({
  statusCode: event.httpMethod === 'POST' ? 201 : 200,
  body: JSON.stringify({ id: event.pathParameters?.id ?? 'new' }),
});`,
    });

    const api = new RegionalApi(this, 'Api', {
      apiName: 'orders',
      stages: [{ stageName: 'beta', throttling: { rateLimit: 50, burstLimit: 20 } }, prod],
    });
    api.addRoute('GET', '/orders/{id}', RouteIntegration.lambdaFunction(handler.function));
    api.addRoute('POST', '/orders', RouteIntegration.lambdaFunction(handler.function));
  }
}
