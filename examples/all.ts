import { App, Stack } from 'aws-cdk-lib';
import { AlarmedRegionalApiStack } from './alarmed-regional-api';
import { CanaryReleaseApiStack } from './canary-release-api';
import { CacheInvalidationEdgeApiStack } from './cache-invalidation-edge-api';
import { ApiKeysRegionalApiStack } from './api-keys-regional-api';
import { CognitoCachedEdgeApiStack } from './cognito-cached-edge-api';
import { FirehoseLogsRegionalApiStack } from './firehose-logs-regional-api';
import { MinimalEdgeApiStack } from './minimal-edge-api';
import { PrivateDomainApiStack } from './private-domain-api';
import { PrivateVpcApiStack } from './private-vpc-api';
import { RegionalCloudFrontApiStack } from './regional-cloudfront-api';
import { RegulatedApiStack } from './regulated-api';
import { S3AssetsApiStack } from './s3-assets-api';
import { S3UploadApiStack } from './s3-upload-api';
import { SqsIngestionApiStack } from './sqs-ingestion-api';
import { StepFunctionsCheckoutApiStack } from './step-functions-checkout-api';
import { StreamingRegionalApiStack } from './streaming-regional-api';
import { TokenAuthorizerEdgeApiStack } from './token-authorizer-edge-api';
import { VersionedEdgeApiStack } from './versioned-edge-api';

/** The id of the example stack built with ComplianceProfile.REGULATED, which the regulated packs check too. */
export const REGULATED_EXAMPLE = 'RegulatedApi';

/**
 * Adds every example stack to `app`, each under its own id. bin/app.ts synthesizes them, and the nag and
 * contract tests check them, from this one list, so a new example is in all of them.
 */
export function addExampleStacks(app: App): Stack[] {
  return [
    new MinimalEdgeApiStack(app, 'MinimalEdgeApi'),
    new CognitoCachedEdgeApiStack(app, 'CognitoCachedEdgeApi'),
    new TokenAuthorizerEdgeApiStack(app, 'TokenAuthorizerEdgeApi'),
    new PrivateVpcApiStack(app, 'PrivateVpcApi'),
    new StreamingRegionalApiStack(app, 'StreamingRegionalApi'),
    new VersionedEdgeApiStack(app, 'VersionedEdgeApi'),
    new PrivateDomainApiStack(app, 'PrivateDomainApi'),
    new RegionalCloudFrontApiStack(app, 'RegionalCloudFrontApi'),
    new SqsIngestionApiStack(app, 'SqsIngestionApi'),
    new StepFunctionsCheckoutApiStack(app, 'StepFunctionsCheckoutApi'),
    new S3AssetsApiStack(app, 'S3AssetsApi'),
    new S3UploadApiStack(app, 'S3UploadApi'),
    new FirehoseLogsRegionalApiStack(app, 'FirehoseLogsRegionalApi'),
    new AlarmedRegionalApiStack(app, 'AlarmedRegionalApi'),
    new CanaryReleaseApiStack(app, 'CanaryReleaseApi'),
    new CacheInvalidationEdgeApiStack(app, 'CacheInvalidationEdgeApi'),
    new ApiKeysRegionalApiStack(app, 'ApiKeysRegionalApi'),
    new RegulatedApiStack(app, REGULATED_EXAMPLE),
  ];
}
