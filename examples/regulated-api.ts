import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApiAuthorization, ComplianceProfile, RegionalApi, RouteIntegration } from '../lib';
import { exampleUserPool } from './support/example-user-pool';

/**
 * A RegionalApi built to pass the HIPAA.Security, NIST.800.53.R5 and PCI.DSS.321 cdk-nag packs
 * (`ComplianceProfile.REGULATED`): its log groups and the web ACL's logs encrypted with the preset's KMS
 * key, a client certificate the HTTP backend can verify, and an encrypted cache in which the one cached
 * route is keyed by the caller's token.
 */
export class RegulatedApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const pool = exampleUserPool(this, 'Users');
    const api = new RegionalApi(this, 'Api', {
      apiName: 'records',
      compliance: ComplianceProfile.REGULATED,
      authorization: ApiAuthorization.cognito({ userPools: [pool] }),
    });
    // The backend accepts only requests presenting the stage's client certificate (api.stages[0]).
    api.addRoute('GET', '/records/{id}', RouteIntegration.http('https://records.example.com/records/{id}'), {
      // Cached for a minute, per caller: the Authorization header is part of the cache key.
      cache: { ttl: Duration.seconds(60) },
    });
    api.addRoute('PUT', '/records/{id}', RouteIntegration.http('https://records.example.com/records/{id}'));
  }
}
