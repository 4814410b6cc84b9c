export { AccessLogs, CloudWatchAccessLogsOptions } from './features/access-logs';
export {
  ApiAuthorization,
  CognitoAuthorizationOptions,
  LambdaRequestAuthorizationOptions,
  LambdaTokenAuthorizationOptions,
} from './features/auth';
export { CacheSize, RouteCacheOptions, StageCachingOptions } from './features/caching';
export { CloudFrontCacheOptions, CloudFrontOptions } from './features/cloudfront';
export { CorsOptions } from './features/cors';
export { ApiDomain, ApiDomainMappingOptions, ApiDomainProps } from './features/api-domain';
export { CustomDomainOptions, DomainOptions, MutualTlsOptions } from './features/custom-domain';
export { LargeObjectOptions } from './features/large-objects';
export { ResourcePolicyOptions } from './features/resource-policy';
export * from './features/throttling';
export { WafOptions } from './features/waf';
export * from './gateway/options';
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
export { PresetErrors } from './errors';
