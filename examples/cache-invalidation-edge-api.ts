import { CfnElement, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CacheSize, EdgeApi, RouteIntegration, UnauthorizedCacheControl } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * A product catalog behind an IAM-authorized EdgeApi whose `prod` stage caches for ten minutes. Only
 * the catalog editors' role may refresh a cached product with `Cache-Control: max-age=0`; any other
 * caller who sends it gets 403. Each deployment of a changed API flushes the stage's cache.
 */
export class CacheInvalidationEdgeApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const products = new ExampleFunction(this, 'Products', {
      description: 'Reads a product of the catalog',
      code: `exports.handler = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({ id: event.pathParameters.id, readAt: new Date().toISOString() }),
});`,
    });

    const api = new EdgeApi(this, 'Api', {
      apiName: 'catalog',
      stages: [
        {
          stageName: 'prod',
          caching: {
            size: CacheSize.GB_0_5,
            ttl: Duration.minutes(10),
            flushOnDeploy: true,
            unauthorizedCacheControl: UnauthorizedCacheControl.FAIL_WITH_403, // the default, spelled out
          },
        },
      ],
    });
    // The same product for every caller: IAM-signed callers cannot be told apart in a cache key.
    api.addRoute('GET', '/products/{id}', RouteIntegration.lambdaFunction(products.function), {
      cache: { shared: true },
      operationId: 'getProduct',
      summary: 'Reads one product of the catalog',
    });
    // The rule pack that reads the API definition reports a cache shared across IAM callers.
    Validations.of(api).acknowledge({
      id: 'ApiDefinition-CacheSharedAcrossCallers[GET /products/{id}]',
      reason: 'A product reads the same for every caller the API lets in.',
    });

    // The catalog editors call the API (IAM authorization) and may refresh what it has cached.
    const editors = new iam.Role(this, 'CatalogEditors', {
      assumedBy: new iam.AccountPrincipal(this.account),
      description: 'Catalog editors: read products and refresh their cached responses',
    });
    editors.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: [api.restApi.arnForExecuteApi('GET', '/products/*', 'prod')],
      }),
    );
    api.grantInvalidateCache(editors, 'prod');
    const restApiId = Stack.of(this).getLogicalId(api.restApi.node.defaultChild as CfnElement);
    const executeApi = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${restApiId}>`;
    Validations.of(editors).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${executeApi}/prod/GET/products/*]`,
      reason: 'Editors may read any product: the path variable {id} is the last segment of the route.',
    });
    Validations.of(editors).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${executeApi}/prod/*/*]`,
      reason:
        'execute-api:InvalidateCache on every route of the prod stage, as grantInvalidateCache gives it: ' +
        'one resource for all of the stage’s routes.',
    });
  }
}
