import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { RestApiPreset } from '../gateway/rest-api-preset';
import { RestApiPresetProps } from '../gateway/options';

/**
 * Props of `EdgeApi`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- edge-only props will be added here without a breaking change
export interface EdgeApiProps extends RestApiPresetProps {}

/**
 * A public, edge-optimized REST API for clients around the world: requests enter at the
 * nearest CloudFront edge location and reach the API in its region.
 *
 * Secure by default: IAM authorization, a regional web ACL on every stage, JSON access logs,
 * execution logs at ERROR, X-Ray tracing, stage-wide throttling and retained deployments.
 */
export class EdgeApi extends RestApiPreset {
  constructor(scope: Construct, id: string, props?: EdgeApiProps) {
    super(scope, id, props ?? {}, { endpointType: apigw.EndpointType.EDGE, wafByDefault: true });
  }
}
