export {
  AccessLogs,
  CloudWatchAccessLogsOptions,
  FirehoseAccessLogsOptions,
} from './observability/access-logs';
export { ApiAlarmsOptions, CacheHitRateAlarmOptions, StageAlarmOptions } from './observability/alarms';
export { ApiDashboardOptions } from './observability/dashboard';
export {
  ApiAuthorization,
  CognitoAuthorizationOptions,
  LambdaRequestAuthorizationOptions,
  LambdaTokenAuthorizationOptions,
} from './security/auth';
export { CanaryOptions } from './release/canary';
export {
  CacheSize,
  RouteCacheOptions,
  StageCachingOptions,
  UnauthorizedCacheControl,
} from './traffic/caching';
export { CloudFrontCacheOptions, CloudFrontOptions } from './cloudfront/cloudfront-options';
export { CorsOptions } from './cors/cors';
export { ApiDomain, ApiDomainMappingOptions, ApiDomainProps } from './presets/api-domain';
export { CustomDomainOptions, DomainOptions, MutualTlsOptions } from './domains/custom-domain';
export { LargeObjectOptions } from './storage/large-objects';
export { S3ProxyOperations } from './storage/s3-proxy-operations';
export { ResourcePolicyOptions } from './security/resource-policy';
export * from './traffic/throttling';
export { ApiKeyOptions, ApiKeyValue } from './traffic/api-keys';
export { UsagePlanOptions, UsagePlanQuota, UsagePlanRouteThrottling } from './traffic/usage-plans';
export { WafOptions } from './security/waf';
export * from './gateway/options';
export * from './gateway/route-options';
export { DefinitionLocation } from './gateway/definition-location';
export { ApiRoute } from './gateway/api-route';
export { IRestApiPreset } from './gateway/rest-api-preset-interface';
export {
  HttpRouteIntegrationOptions,
  LambdaRouteIntegrationOptions,
  MockRouteIntegrationOptions,
  RouteIntegration,
} from './integrations/route-integration';
export {
  AwsServiceErrorResponse,
  AwsServicePermission,
  AwsServiceRouteIntegrationOptions,
} from './integrations/aws-service';
export { RequestValue } from './integrations/request-value';
export { S3RouteIntegrationOptions } from './integrations/s3';
export { SqsRouteIntegrationOptions } from './integrations/sqs';
export { StepFunctionsRouteIntegrationOptions } from './integrations/step-functions';
export * from './presets/edge-api';
export * from './presets/private-api';
export * from './presets/regional-api';
export * from './presets/s3-proxy-api';
export { ApiDefinitionChecks } from './nag/api-definition-checks';
export { PresetErrors } from './errors';
export { ComplianceProfile } from './compliance/compliance-profile';
