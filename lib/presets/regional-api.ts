import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ApiCloudFront } from '../cloudfront/cloudfront';
import { CloudFrontOptions } from '../cloudfront/cloudfront-options';
import { RestApiPresetProps } from '../gateway/options';
import { RestApiPreset } from '../gateway/rest-api-preset';

/**
 * Props of `RegionalApi`.
 */
export interface RegionalApiProps extends RestApiPresetProps {
  /**
   * Whether clients reach the API over IPv4 only or over IPv4 and IPv6.
   * @default apigw.IpAddressType.IPV4
   */
  readonly ipAddressType?: apigw.IpAddressType;

  /**
   * Integration timeouts up to 300 seconds, after the account's 'Maximum integration timeout in
   * milliseconds' quota is raised in Service Quotas.
   * @default false
   */
  readonly longIntegrationTimeouts?: boolean;

  /**
   * A CloudFront distribution the preset owns in front of the API's stage: HTTPS only, access logs,
   * security response headers, and a secret origin header without which the API's web ACL blocks a
   * request, so clients cannot go around the distribution. The API's URL (`url` and the stage's URL
   * output) is then the distribution's. Routes cannot use IAM authorization behind it, and the
   * `resourcePolicy` cannot restrict source IPs (the API sees CloudFront's), accounts or principals.
   * @default - no distribution: clients call the API's regional endpoint
   */
  readonly cloudFront?: CloudFrontOptions;
}

/**
 * A public, regional REST API: clients reach it in its Region directly, or through a CloudFront
 * distribution the preset creates (`cloudFront`).
 *
 * Secure by default: IAM authorization, a regional web ACL on every stage, JSON access logs,
 * execution logs at ERROR, X-Ray tracing, stage-wide throttling and retained deployments.
 */
export class RegionalApi extends RestApiPreset {
  /** The CloudFront distribution in front of the API, when `cloudFront` is given. */
  public readonly distribution?: cloudfront.Distribution;

  /** The bucket the distribution's access logs go to, when `cloudFront` is given. */
  public readonly distributionLogBucket?: s3.IBucket;

  /**
   * The secret the distribution sends in the `X-Origin-Verify` header and the web ACL requires, when
   * `cloudFront` is given.
   */
  public readonly originVerifySecret?: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props?: RegionalApiProps) {
    const regionalProps = props ?? {};
    const cloudFrontOptions = regionalProps.cloudFront;
    let front: ApiCloudFront | undefined;
    super(scope, id, regionalProps, {
      endpointType: apigw.EndpointType.REGIONAL,
      ipAddressType: regionalProps.ipAddressType ?? apigw.IpAddressType.IPV4,
      wafByDefault: true,
      longIntegrationTimeouts: regionalProps.longIntegrationTimeouts,
      prepare: cloudFrontOptions
        ? (preset) => {
            front = ApiCloudFront.prepare(preset, cloudFrontOptions, regionalProps);
            return front.additions();
          }
        : undefined,
    });
    if (front) {
      this.distribution = front.distribution;
      this.distributionLogBucket = front.logBucket;
      this.originVerifySecret = front.secret;
    }
  }
}
