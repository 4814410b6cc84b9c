import * as crypto from 'crypto';
import { Aws, CustomResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { createDeployTimeHandler } from '../private/deploy-time-handler';

/** The custom resource that requires authorization for `Cache-Control: max-age=0` on a stage's methods. */
export const CACHE_CONTROL_AUTHORIZATION_TYPE = 'Custom::ApiGatewayCacheControlAuthorization';
/** The custom resource that flushes a stage's cache when the stage serves a new deployment. */
export const STAGE_CACHE_FLUSH_TYPE = 'Custom::ApiGatewayStageCacheFlush';

/** A stage with a cache cluster, as the cache-control resources need it. */
export interface CachedStage {
  /** The stage name as given (not a token), used in the ARNs the handler role names. */
  readonly stageName: string;
  readonly stage: apigw.IStage;
  /** The method setting `unauthorizedCacheControlHeaderStrategy` for every method of the stage. */
  readonly unauthorizedCacheControl: string;
  readonly flushOnDeploy: boolean;
}

/**
 * Creates scope/CacheControl when at least one stage has a cache cluster: a handler, its role and log
 * group, and per cached stage a custom resource that requires authorization for cache invalidation,
 * plus one that flushes the cache on deployment for each stage that asks for it.
 *
 * CloudFormation cannot set `requireAuthorizationForCacheControl` or `unauthorizedCacheControlHeaderStrategy`
 * (AWS::ApiGateway::Stage MethodSetting has neither), and a Stage update adds, changes and removes the
 * stage's method settings with nothing in the template to hold these two fields. So the authorization
 * resource's properties carry a hash of the stage's properties: every change
 * to the stage updates the resource, which runs after the stage (it depends on it) and sets both fields
 * again on every method setting the stage then has.
 */
export function configureStageCacheControl(
  scope: Construct,
  restApi: apigw.IRestApi,
  stages: readonly CachedStage[],
): StageCacheControl | undefined {
  if (stages.length === 0) {
    return undefined;
  }
  // A function by design: the engine calls it with its own `this`, so the child lives under the preset.
  // eslint-disable-next-line awscdk/require-passing-this
  return new StageCacheControl(scope, 'CacheControl', { restApi, stages });
}

/**
 * Grants `execute-api:InvalidateCache` (sending `Cache-Control: max-age=0` and being obeyed) on every
 * route of the given stages: `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/*\/*`. A stage
 * serves exactly the API's routes, and the execute-api resource of a route is
 * `<apiId>/<stage>/<METHOD>/<path>`, so `<stage>/*\/*` names all of them and nothing of another stage or
 * API. It stays one ARN per stage however many routes the API has.
 */
export function grantInvalidateCache(
  grantee: iam.IGrantable,
  restApi: apigw.IRestApi,
  stageNames: readonly string[],
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['execute-api:InvalidateCache'],
    resourceArns: stageNames.map((stageName) => restApi.arnForExecuteApi('*', '/*', stageName)),
  });
}

/** The ARN API Gateway's control plane authorizes stage calls against (GetStage, UpdateStage). */
export function stageArn(restApi: apigw.IRestApi, stageName: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${restApi.restApiId}/stages/${stageName}`;
}

/** What StageCacheControl covers. */
export interface StageCacheControlProps {
  /** The API whose stages these are. */
  readonly restApi: apigw.IRestApi;
  /** The stages with a cache cluster. */
  readonly stages: readonly CachedStage[];
}

/** scope/CacheControl: the handler, its role and log group, and the custom resources of each stage. */
export class StageCacheControl extends Construct {
  /** The authorization resource of each cached stage, by stage name. */
  public readonly authorization: Record<string, CustomResource> = {};
  /** The flush resource of each stage with `flushOnDeploy`, by stage name. */
  public readonly flush: Record<string, CustomResource> = {};

  constructor(scope: Construct, id: string, props: StageCacheControlProps) {
    super(scope, id);
    const { restApi, stages } = props;

    const { handler } = createDeployTimeHandler(this, {
      entry: 'traffic/handler/stage-cache',
      name: 'stage-cache handler',
      roleDescription:
        "Requires authorization for cache invalidation on, and flushes, the API's stage caches (cdk-apigateway-presets)",
      policyName: 'StageCache',
      statements: handlerStatements(restApi, stages),
      description:
        'Requires authorization for Cache-Control: max-age=0 on stage methods; flushes stage caches',
      // It waits up to 6 minutes for a new cache cluster and retries for up to 3, and always answers
      // before this.
      timeout: Duration.minutes(10),
      calls: 'API Gateway GetStage, UpdateStage and FlushStageCache',
      records: 'every call and error',
    });

    for (const cached of stages) {
      const cfnStage = cached.stage.node.defaultChild as apigw.CfnStage;
      const authorization = new CustomResource(this, `Authorization.${cached.stageName}`, {
        serviceToken: handler.functionArn,
        resourceType: CACHE_CONTROL_AUTHORIZATION_TYPE,
        properties: {
          RestApiId: restApi.restApiId,
          StageName: cached.stageName,
          UnauthorizedCacheControl: cached.unauthorizedCacheControl,
          StageProperties: stagePropertiesHash(cfnStage),
        },
        // Fail the deployment soon after the Lambda timeout instead of CloudFormation's one-hour default.
        serviceTimeout: Duration.minutes(15),
      });
      authorization.node.addDependency(cached.stage);
      this.authorization[cached.stageName] = authorization;

      if (cached.flushOnDeploy) {
        const flush = new CustomResource(this, `Flush.${cached.stageName}`, {
          serviceToken: handler.functionArn,
          resourceType: STAGE_CACHE_FLUSH_TYPE,
          properties: {
            RestApiId: restApi.restApiId,
            StageName: cached.stageName,
            // The deployment the stage serves, read when the template is made: it changes exactly when
            // the stage is pointed at another deployment, which is when the cache may hold stale answers.
            DeploymentId: Lazy.uncachedString({ produce: () => cfnStage.deploymentId }),
          },
          serviceTimeout: Duration.minutes(15),
        });
        // Flushing before the stage serves the new deployment would let old answers be cached again.
        flush.node.addDependency(cached.stage);
        this.flush[cached.stageName] = flush;
      }
    }
  }
}

/**
 * The stage's properties that an update of the stage may rewrite its method settings with. A hash keeps
 * the custom resource small however many method settings the stage has.
 */
function stagePropertiesHash(cfnStage: apigw.CfnStage): string {
  return Lazy.uncachedString({
    produce: () => {
      const properties = Stack.of(cfnStage).resolve({
        DeploymentId: cfnStage.deploymentId,
        MethodSettings: cfnStage.methodSettings,
        CacheClusterEnabled: cfnStage.cacheClusterEnabled,
        CacheClusterSize: cfnStage.cacheClusterSize,
        CanarySetting: cfnStage.canarySetting,
        TracingEnabled: cfnStage.tracingEnabled,
        Variables: cfnStage.variables,
        AccessLogSetting: cfnStage.accessLogSetting,
        Description: cfnStage.description,
        ClientCertificateId: cfnStage.clientCertificateId,
        DocumentationVersion: cfnStage.documentationVersion,
      });
      return crypto.createHash('sha256').update(JSON.stringify(properties)).digest('hex');
    },
  });
}

/** Exactly what the handler calls, on exactly the stages it touches. */
function handlerStatements(restApi: apigw.IRestApi, stages: readonly CachedStage[]): iam.PolicyStatement[] {
  const stageArns = stages.map((s) => stageArn(restApi, s.stageName));
  const flushed = stages.filter((s) => s.flushOnDeploy);
  return [
    new iam.PolicyStatement({
      sid: 'ReadAndPatchCachedStages',
      // GetStage lists the stage's method settings; UpdateStage sets the cache-control fields on each.
      actions: ['apigateway:GET', 'apigateway:PATCH'],
      resources: stageArns,
    }),
    ...(flushed.length > 0
      ? [
          new iam.PolicyStatement({
            sid: 'FlushStageCaches',
            // FlushStageCache: DELETE /restapis/{restapi_id}/stages/{stage_name}/cache/data.
            actions: ['apigateway:DELETE'],
            resources: flushed.map((s) => `${stageArn(restApi, s.stageName)}/cache/data`),
          }),
        ]
      : []),
  ];
}
