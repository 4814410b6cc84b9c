import { Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ApiKeyValue, RegionalApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * A RegionalApi sold by usage plan: every route requires an API key on top of IAM authorization, a
 * free plan and a partner plan meter the keys, and a partner's key value lives in Secrets Manager so it
 * survives a replacement of the key.
 */
export class ApiKeysRegionalApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const quotes = new ExampleFunction(this, 'Quotes', {
      description: 'Returns a quote',
      code: `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ price: 42 }) });`,
    });

    const api = new RegionalApi(this, 'Api', {
      apiKeyRequired: true,
      stages: [
        { stageName: 'prod', throttling: { rateLimit: 500, burstLimit: 200 } },
        { stageName: 'sandbox', throttling: { rateLimit: 20, burstLimit: 10 } },
      ],
    });
    api.addRoute('GET', '/quotes/{symbol}', RouteIntegration.lambdaFunction(quotes.function));
    api.addRoute('POST', '/orders', RouteIntegration.mock({ statusCode: 202 }));

    // A key API Gateway generates, for the free plan on the sandbox stage only.
    const trial = api.addApiKey('Trial', { description: 'Trial callers' });
    api.addUsagePlan('Free', {
      stages: ['sandbox'],
      throttling: { rateLimit: 5, burstLimit: 2 },
      quota: { limit: 1000, period: apigw.Period.DAY },
      apiKeys: [trial],
    });

    // A key whose value lives in a secret the partner team manages (20-128 letters and digits).
    const partnerValue = secretsmanager.Secret.fromSecretNameV2(this, 'PartnerKeyValue', 'partner-api-key');
    const partner = api.addApiKey('Partner', {
      value: ApiKeyValue.fromSecret(partnerValue),
      description: 'Partner Co.',
    });
    api.addUsagePlan('Partner', {
      throttling: { rateLimit: 10, burstLimit: 5 },
      quota: { limit: 100000, period: apigw.Period.MONTH },
      routeThrottling: [{ method: 'POST', path: '/orders', throttling: { rateLimit: 2, burstLimit: 1 } }],
      apiKeys: [partner],
    });

    // The role the partner onboarding job uses to read the key it hands out.
    const onboarding = new iam.Role(this, 'Onboarding', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads the partner API key to hand it out',
    });
    api.grantReadApiKey(partner, onboarding);
  }
}
