import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EdgeApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * The smallest useful EdgeApi: every default (IAM authorization, WAF, JSON access logs, execution
 * logs, X-Ray, throttling, one `prod` stage) and one Lambda route.
 */
export class MinimalEdgeApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const hello = new ExampleFunction(this, 'Hello', {
      description: 'Says hello',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ message: 'hello' }) });`,
    });

    const api = new EdgeApi(this, 'Api');
    api.addRoute('GET', '/hello', RouteIntegration.lambdaFunction(hello.function));
  }
}
