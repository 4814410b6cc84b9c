import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApiAuthorization, RegionalApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';
import { exampleUserPool } from './support/example-user-pool';

/**
 * A RegionalApi behind a CloudFront distribution the preset owns: Cognito tokens (IAM signatures do not
 * survive CloudFront), HTTPS only, access logs, security headers, a short CloudFront cache keyed by the
 * caller's token, and a secret origin header without which the API's web ACL blocks a request.
 */
export class RegionalCloudFrontApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const pool = exampleUserPool(this, 'Users');
    const catalog = new ExampleFunction(this, 'Catalog', {
      description: 'Reads catalog items',
      code: `exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'Cache-Control': 'max-age=30' },
  body: JSON.stringify({ id: event.pathParameters.id }),
});`,
    });

    const api = new RegionalApi(this, 'Api', {
      apiName: 'catalog',
      authorization: ApiAuthorization.cognito({ userPools: [pool] }),
      cloudFront: {
        // Each caller's responses are cached apart: the Authorization header is part of the cache key.
        cache: { defaultTtl: Duration.seconds(30) },
      },
    });
    api.addRoute('GET', '/items/{id}', RouteIntegration.lambdaFunction(catalog.function));
  }
}
