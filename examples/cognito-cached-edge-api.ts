import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ApiAuthorization, CacheSize, EdgeApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';
import { exampleUserPool } from './support/example-user-pool';

/**
 * An EdgeApi for a browser app: Cognito access tokens with OAuth scopes, a throttled `dev` stage
 * without a cache and a `prod` stage with one, CORS for the app's origin, and a cached read route.
 */
export class CognitoCachedEdgeApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Strong passwords, MFA required, and the Plus plan's threat protection.
    const pool = exampleUserPool(this, 'Users');
    const read = new cognito.ResourceServerScope({ scopeName: 'read', scopeDescription: 'Read orders' });
    const write = new cognito.ResourceServerScope({ scopeName: 'write', scopeDescription: 'Place orders' });
    const orders = pool.addResourceServer('Orders', { identifier: 'orders', scopes: [read, write] });
    // The browser app's client; hosted sign-in also needs a domain (pool.addDomain).
    pool.addClient('WebApp', {
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.resourceServer(orders, read),
          cognito.OAuthScope.resourceServer(orders, write),
        ],
        callbackUrls: ['https://app.example.com/callback'],
      },
    });

    const handler = new ExampleFunction(this, 'Orders', {
      description: 'Reads and places orders',
      code: `exports.handler = async (event) => ({
  statusCode: event.httpMethod === 'POST' ? 201 : 200,
  body: JSON.stringify({ id: event.pathParameters?.id ?? 'new' }),
});`,
    });

    const api = new EdgeApi(this, 'Api', {
      apiName: 'orders',
      authorization: ApiAuthorization.cognito({ userPools: [pool], scopes: ['orders/read'] }),
      stages: [
        { stageName: 'dev', throttling: { rateLimit: 50, burstLimit: 20 } },
        { stageName: 'prod', caching: { size: CacheSize.GB_0_5, ttl: Duration.minutes(5) } },
      ],
      cors: { allowOrigins: ['https://app.example.com'] },
    });

    // Cached per caller: the cache key includes the caller's token, so no one sees another's order.
    api.addRoute('GET', '/orders/{id}', RouteIntegration.lambdaFunction(handler.function), {
      cache: { ttl: Duration.seconds(60) },
      operationId: 'getOrder',
      summary: 'Reads one of the caller’s orders',
    });
    // The body is validated by API Gateway before the function runs.
    api.addRoute('POST', '/orders', RouteIntegration.lambdaFunction(handler.function), {
      authorization: ApiAuthorization.cognito({ userPools: [pool], scopes: ['orders/write'] }),
      operationId: 'placeOrder',
      summary: 'Places an order',
      requestSchemas: {
        'application/json': {
          type: apigw.JsonSchemaType.OBJECT,
          required: ['item', 'quantity'],
          additionalProperties: false,
          properties: {
            item: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 64 },
            quantity: { type: apigw.JsonSchemaType.INTEGER, minimum: 1, maximum: 100 },
          },
        },
      },
    });
  }
}
