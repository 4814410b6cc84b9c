import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
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
}

/**
 * A public, regional REST API: clients reach it in its Region directly (or through your own
 * CloudFront distribution or custom domain).
 *
 * Secure by default: IAM authorization, a regional web ACL on every stage, JSON access logs,
 * execution logs at ERROR, X-Ray tracing, stage-wide throttling and retained deployments.
 */
export class RegionalApi extends RestApiPreset {
  constructor(scope: Construct, id: string, props?: RegionalApiProps) {
    super(scope, id, props ?? {}, {
      endpointType: apigw.EndpointType.REGIONAL,
      ipAddressType: props?.ipAddressType ?? apigw.IpAddressType.IPV4,
      wafByDefault: true,
      longIntegrationTimeouts: props?.longIntegrationTimeouts,
    });
  }
}
