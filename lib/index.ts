export { AccessLogs, CloudWatchAccessLogsOptions } from './features/access-logs';
export {
  ApiAuthorization,
  CognitoAuthorizationOptions,
  LambdaRequestAuthorizationOptions,
  LambdaTokenAuthorizationOptions,
} from './features/auth';
export { CacheSize, RouteCacheOptions, StageCachingOptions } from './features/caching';
export { CorsOptions } from './features/cors';
export { CustomDomainOptions } from './features/custom-domain';
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
export { S3RouteIntegrationOptions } from './integrations/s3';
export * from './presets/edge-api';
export * from './presets/private-api';
export * from './presets/regional-api';
export { PresetErrors } from './errors';
export { LargeObjectOptions } from './features/large-objects';
export * from './presets/s3-proxy-api';
