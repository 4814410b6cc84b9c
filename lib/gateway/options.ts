import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { ComplianceProfile } from '../compliance/compliance-profile';
import { AccessLogs } from '../observability/access-logs';
import { ApiAlarmsOptions } from '../observability/alarms';
import { ApiDashboardOptions } from '../observability/dashboard';
import { ApiAuthorization } from '../security/auth';
import { StageCachingOptions } from '../traffic/caching';
import { CorsOptions } from '../cors/cors';
import { CustomDomainOptions } from '../domains/custom-domain';
import { CanaryOptions } from '../release/canary';
import { ResourcePolicyOptions } from '../security/resource-policy';
import { ThrottlingOptions } from '../traffic/throttling';
import { WafOptions } from '../security/waf';
import { DefinitionLocation } from './definition-location';

/**
 * Execution logging of a stage (API Gateway's own log of each request's processing).
 */
export interface ExecutionLoggingOptions {
  /**
   * Which events are logged.
   * @default apigw.MethodLoggingLevel.ERROR
   */
  readonly level?: apigw.MethodLoggingLevel;

  /**
   * Log full request and response bodies and headers. They may hold secrets and personal
   * data, so turning this on leaves the warning `cdk-apigateway-presets:data-trace`.
   * @default false
   */
  readonly dataTrace?: boolean;
}

/**
 * Execution logging for the whole API.
 */
export interface ApiExecutionLoggingOptions extends ExecutionLoggingOptions {
  /**
   * Whether the preset makes sure the account-level CloudWatch role, which execution logging and
   * CloudWatch access logs need, is set. It sets the role only when none is set or the one set no longer exists, and never
   * changes it on delete. Turn this off when the account's API Gateway settings are managed elsewhere.
   * @default true
   */
  readonly manageAccountRole?: boolean;
}

/**
 * One stage of the API. Unset options take the API-wide value.
 */
export interface StageOptions {
  /**
   * The stage name, part of the invoke URL: 1-128 letters, digits, hyphens and underscores.
   */
  readonly stageName: string;

  /**
   * A description of the stage.
   * @default - none
   */
  readonly description?: string;

  /**
   * Stage-wide throttling.
   * @default - the API's `throttling`
   */
  readonly throttling?: ThrottlingOptions;

  /**
   * A cache cluster for this stage.
   * @default - the API's `caching`
   */
  readonly caching?: StageCachingOptions;

  /**
   * Execution logging for this stage.
   * @default - the API's `executionLogging`
   */
  readonly executionLogging?: ExecutionLoggingOptions;

  /**
   * AWS X-Ray tracing for this stage.
   * @default - the API's `tracing`
   */
  readonly tracing?: boolean;

  /**
   * Stage variables: names are letters, digits and underscores; at most 100.
   * @default - none
   */
  readonly variables?: { [name: string]: string };

  /**
   * Detailed CloudWatch metrics for this stage: the stage's metrics per method and resource (dimensions
   * `ApiName`, `Method`, `Resource`, `Stage`), billed by CloudWatch as custom metrics.
   * @default - the API's `detailedMetrics`
   */
  readonly detailedMetrics?: boolean;

  /**
   * Pin the stage to an earlier deployment of the API, by the id API Gateway gave it (e.g. `'nfcn0x'`: the
   * preset's `DeploymentId` output, or `aws apigateway get-stage --query deploymentId`). The stage keeps
   * serving it whatever the code defines: with a `canary`, the changed API goes to the canary first;
   * without one, it is a rollback (warning `cdk-apigateway-presets:stage-pinned`). Old deployments are
   * retained, so the id stays valid. Remove it to move the stage to the newest deployment.
   * @default - the API's newest deployment
   */
  readonly deploymentId?: string;

  /**
   * A canary: a share of the stage's requests served by the API's newest deployment while the rest
   * stays on `deploymentId`. Promote by removing both `canary` and `deploymentId`; roll back by removing
   * `canary` and keeping `deploymentId`.
   * @default - no canary
   */
  readonly canary?: CanaryOptions;
}

/**
 * Options every preset accepts.
 */
export interface RestApiPresetProps {
  /**
   * The API's name, also the `ApiName` dimension of its CloudWatch metrics.
   * @default - a name unique to this construct in the app
   */
  readonly apiName?: string;

  /**
   * A description of the API.
   * @default - none
   */
  readonly description?: string;

  /**
   * The API's stages. At most 10.
   * @default [{ stageName: 'prod' }]
   */
  readonly stages?: StageOptions[];

  /**
   * Who may call routes that do not set their own `authorization`.
   * @default ApiAuthorization.iam()
   */
  readonly authorization?: ApiAuthorization;

  /**
   * Stage-wide throttling for every stage that does not set its own.
   * @default { rateLimit: 1000, burstLimit: 500 }
   */
  readonly throttling?: ThrottlingOptions;

  /**
   * A cache cluster for every stage that does not set its own.
   * @default - no cache cluster; under `ComplianceProfile.REGULATED`, a 0.5 GB encrypted one that caches only
   * the routes that ask
   */
  readonly caching?: StageCachingOptions;

  /**
   * Browser cross-origin access: preflight on every route's path, and CORS headers on API
   * Gateway's own error responses.
   * @default - no CORS
   */
  readonly cors?: CorsOptions;

  /**
   * The web ACL associated with every stage.
   * @default - a web ACL with AWS managed rules and a per-IP rate limit of 2000 requests per 5 minutes
   * (a private API has none unless this is given or `compliance` is `ComplianceProfile.REGULATED`)
   */
  readonly waf?: WafOptions;

  /**
   * Where access logs go.
   * @default AccessLogs.cloudWatch()
   */
  readonly accessLogs?: AccessLogs;

  /**
   * Execution logging for every stage that does not set its own.
   * @default - ERROR level, no data trace, account role managed
   */
  readonly executionLogging?: ApiExecutionLoggingOptions;

  /**
   * AWS X-Ray tracing for every stage that does not set its own.
   * @default true
   */
  readonly tracing?: boolean;

  /**
   * Media types API Gateway passes through as binary, unchanged, e.g. `image/png` or `*\/*`. Routes
   * whose integration needs them (an S3 object route) add theirs.
   * @default - none beyond what the routes need
   */
  readonly binaryMediaTypes?: string[];

  /**
   * Who may call the API beyond each route's authorization: source IP ranges, AWS accounts or
   * principals, VPCs or VPC endpoints. Each option narrows who may call.
   * @default - no resource policy (a private API's own policy only)
   */
  readonly resourcePolicy?: ResourcePolicyOptions;

  /**
   * A custom domain name for the API, mapped to its first stage.
   * @default - no custom domain
   */
  readonly customDomain?: CustomDomainOptions;

  /**
   * Turn off the API's default `execute-api` endpoint, so clients reach it through its custom domain
   * only (its own `customDomain`, or an `ApiDomain` it is mapped on) and cannot go around the domain's
   * TLS policy or mutual TLS. With a `customDomain`, `false` keeps the default endpoint reachable (for
   * a migration, say) and leaves the warning `cdk-apigateway-presets:execute-api-endpoint-kept`; it is
   * refused with mutual TLS. A private API needs its `customDomain` to turn it off. Without the default
   * endpoint the stack outputs no invoke URLs.
   * @default - true with a `customDomain`, false without
   */
  readonly disableExecuteApiEndpoint?: boolean;

  /**
   * A file to write the API's OpenAPI contract to (what `openApi()` returns) when the app synthesizes,
   * for client and SDK generators, e.g. `openapi/orders.json`. A relative path is relative to the
   * directory the app runs in (where `cdk synth` runs); missing directories are created.
   * @default - not written
   */
  readonly openApiFile?: string;

  /**
   * The base URLs the contract (`openApi()`, `openApiFile`) lists as its `servers`, e.g.
   * `['https://api.example.com/v1']`: https URLs or paths starting with `/`, known at synth.
   * @default - the custom domain's URL when its name is known at synth; otherwise the default endpoint's
   * URL, `https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}`, with server variables
   */
  readonly openApiServers?: string[];

  /**
   * Whether the stack outputs each stage's invoke URL (a `CfnOutput` with the id `Url.<stageName>`
   * under the preset, without an export name).
   * @default true
   */
  readonly urlOutputs?: boolean;

  /**
   * Detailed CloudWatch metrics for every stage that does not set its own: each stage's metrics per
   * method and resource (dimensions `ApiName`, `Method`, `Resource`, `Stage`), billed by CloudWatch as
   * custom metrics. The stage-wide metrics (`ApiName`, `Stage`) are sent either way.
   * @default false
   */
  readonly detailedMetrics?: boolean;

  /**
   * The CloudWatch alarms AWS recommends for each stage of a REST API (4XX and 5XX error rates, p90
   * latency), notifying an SNS topic. Alarms are billed per alarm and month, so none are created unless
   * this is given; `{}` creates the recommended set with AWS's thresholds and an encrypted topic.
   * @default - no alarms
   */
  readonly alarms?: ApiAlarmsOptions;

  /**
   * A CloudWatch dashboard of the API: requests, errors, latencies, cache, WAF and throttles, per stage.
   * Dashboards are billed per month, so none is created unless this is given; `{}` creates it.
   * @default - no dashboard
   */
  readonly dashboard?: ApiDashboardOptions;

  /**
   * Whether the stack outputs the id of the API's newest deployment (a `CfnOutput` with the id
   * `DeploymentId` under the preset, without an export name): the id a stage is pinned to
   * (`deploymentId`) before the next change goes to its canary.
   * @default true
   */
  readonly deploymentIdOutput?: boolean;

  // API keys and usage plans (see lib/traffic/api-keys.ts, usage-plans.ts).

  /**
   * Whether routes that do not set their own `apiKeyRequired` require an API key of one of the API's
   * usage plans (`addUsagePlan`), on top of their authorization.
   * @default false
   */
  readonly apiKeyRequired?: boolean;

  /**
   * Where API Gateway reads a caller's API key: the `x-api-key` header (HEADER), or the
   * `usageIdentifierKey` a Lambda authorizer returns (AUTHORIZER, for routes with a Lambda authorizer only).
   * @default apigw.ApiKeySourceType.HEADER
   */
  readonly apiKeySource?: apigw.ApiKeySourceType;

  /**
   * The compliance rules the API is built to pass. `ComplianceProfile.REGULATED` adds what the
   * `HIPAA.Security`, `NIST.800.53.R5` and `PCI.DSS.321` cdk-nag packs require: a customer managed KMS
   * key for every log group and bucket the preset creates, a web ACL with logging on every API (private
   * ones too), a client certificate on every stage, and an encrypted cache cluster on every stage
   * that caches only the routes that ask, per caller (docs/COMPLIANCE.md).
   * @default ComplianceProfile.BASELINE
   */
  readonly compliance?: ComplianceProfile;

  /**
   * Where the API's OpenAPI definition goes: in the CloudFormation template (the REST API's `Body`), or
   * in an S3 asset that a custom resource imports with PutRestApi, for APIs too large for CloudFormation's
   * 1,000,000-byte template (see docs/LARGE-APIS.md).
   * @default DefinitionLocation.AUTO - in the template while the stack's API definitions and stage method
   * settings take at most 1,000,000 bytes, else in an asset
   */
  readonly definitionLocation?: DefinitionLocation;
}
