import { Annotations, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApiAuthorization, EdgeApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * An EdgeApi whose routes are authorized by a Lambda token authorizer, with one public
 * health check answered by API Gateway itself.
 */
export class TokenAuthorizerEdgeApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A stand-in for real token validation (e.g. verifying a JWT against your identity provider).
    // The returned policy is cached for every route, so it allows the whole API, not just this method.
    const authorizer = new ExampleFunction(this, 'Authorizer', {
      description: 'Validates bearer tokens',
      code: `exports.handler = async (event) => {
  const allowed = event.authorizationToken === 'Bearer allow';
  const api = event.methodArn.split('/').slice(0, 2).join('/');
  return {
    principalId: 'caller',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: allowed ? 'Allow' : 'Deny', Resource: api + '/*' }],
    },
  };
};`,
    });
    const reports = new ExampleFunction(this, 'Reports', {
      description: 'Lists reports',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ reports: [] }) });`,
    });

    const api = new EdgeApi(this, 'Api', {
      apiName: 'reports',
      authorization: ApiAuthorization.lambdaToken(authorizer.function),
    });
    api.addRoute('GET', '/reports', RouteIntegration.lambdaFunction(reports.function));
    const health = api.addRoute('GET', '/health', RouteIntegration.mock({ statusCode: 200 }), {
      authorization: ApiAuthorization.none(),
    });
    // The route is public on purpose; accepting the warning keeps it from being repeated at every synth.
    Annotations.of(health).acknowledgeWarning(
      'cdk-apigateway-presets:auth-none',
      'Uptime checks call /health without credentials, and it returns no data.',
    );
    // The rule pack that reads the API definition reports the public operation until it is acknowledged.
    Validations.of(api).acknowledge({
      id: 'ApiDefinition-DeclaredPublic[GET /health]',
      reason: 'Uptime checks call /health without credentials, and it returns no data.',
    });
  }
}
