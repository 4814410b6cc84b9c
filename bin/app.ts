#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiDefinitionChecks } from '../lib';
import { CognitoCachedEdgeApiStack } from '../examples/cognito-cached-edge-api';
import { FirehoseLogsRegionalApiStack } from '../examples/firehose-logs-regional-api';
import { MinimalEdgeApiStack } from '../examples/minimal-edge-api';
import { PrivateDomainApiStack } from '../examples/private-domain-api';
import { PrivateVpcApiStack } from '../examples/private-vpc-api';
import { RegionalCloudFrontApiStack } from '../examples/regional-cloudfront-api';
import { S3AssetsApiStack } from '../examples/s3-assets-api';
import { S3UploadApiStack } from '../examples/s3-upload-api';
import { SqsIngestionApiStack } from '../examples/sqs-ingestion-api';
import { StepFunctionsCheckoutApiStack } from '../examples/step-functions-checkout-api';
import { StreamingRegionalApiStack } from '../examples/streaming-regional-api';
import { TokenAuthorizerEdgeApiStack } from '../examples/token-authorizer-edge-api';
import { VersionedEdgeApiStack } from '../examples/versioned-edge-api';

// Every example, synthesized by `npm run synth` so none can rot. No env account: the stacks need no AWS
// account (one names its Region only).
const app = new App();

new MinimalEdgeApiStack(app, 'MinimalEdgeApi');
new CognitoCachedEdgeApiStack(app, 'CognitoCachedEdgeApi');
new TokenAuthorizerEdgeApiStack(app, 'TokenAuthorizerEdgeApi');
new PrivateVpcApiStack(app, 'PrivateVpcApi');
new StreamingRegionalApiStack(app, 'StreamingRegionalApi');
new VersionedEdgeApiStack(app, 'VersionedEdgeApi');
new PrivateDomainApiStack(app, 'PrivateDomainApi');
new RegionalCloudFrontApiStack(app, 'RegionalCloudFrontApi');
new SqsIngestionApiStack(app, 'SqsIngestionApi');
new StepFunctionsCheckoutApiStack(app, 'StepFunctionsCheckoutApi');
new S3AssetsApiStack(app, 'S3AssetsApi');
new S3UploadApiStack(app, 'S3UploadApi');
new FirehoseLogsRegionalApiStack(app, 'FirehoseLogsRegionalApi');

// A finding with error severity fails `cdk synth`; acknowledged findings are listed in the report.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { verbose: true }),
  new ServerlessChecks(app, { verbose: true }),
  new ApiDefinitionChecks(app, { verbose: true }),
);
