import { Annotations, CfnOutput } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { checkStageVariables, isToken } from '../private/limits';

/**
 * A canary on a stage: a share of the stage's requests, chosen at random, is served by the API's
 * newest deployment while the rest stays on the deployment the stage is pinned to (`deploymentId`).
 */
export interface CanaryOptions {
  /**
   * The percentage of the stage's requests the canary serves, from 0 to 100 (fractions allowed).
   */
  readonly percentTraffic: number;

  /**
   * Stage variables the canary's requests see instead of, or beside, the stage's `variables`: names are
   * letters, digits and underscores; at most 100. Promotion does not copy them into the stage: move
   * them to the stage's `variables` in the same change.
   * @default - none: the canary sees the stage's variables
   */
  readonly stageVariableOverrides?: { [name: string]: string };

  /**
   * Whether the canary's requests use the stage's cache cluster. The stage needs one (`caching`). While
   * the canary and the stage serve different deployments their responses are cached apart; on the same
   * deployment they share cache entries.
   * @default false
   */
  readonly useStageCache?: boolean;
}

/** What a stage says about the deployment it serves and its canary. */
export interface StageRelease {
  /** The id of an earlier deployment the stage keeps serving. */
  readonly deploymentId?: string;
  readonly canary?: CanaryOptions;
}

/**
 * API Gateway's deployment ids are short strings of lowercase letters and digits (`nfcn0x` in the AWS
 * docs' examples). The format is not documented, so this only refuses what cannot be one: a
 * CloudFormation logical id, an ARN, a URL, a name with spaces.
 */
const DEPLOYMENT_ID_PATTERN = /^[a-z0-9]{1,64}$/;

/**
 * Checks a stage's `deploymentId` and `canary`. `prop` is the stage's prop (`stages[0]`);
 * `hasCacheCluster` whether the stage has a cache cluster.
 */
export function checkStageRelease(
  scope: Construct,
  prop: string,
  stage: StageRelease,
  hasCacheCluster: boolean,
): void {
  const { deploymentId, canary } = stage;
  if (deploymentId !== undefined && !isToken(deploymentId) && !DEPLOYMENT_ID_PATTERN.test(deploymentId)) {
    throw new PresetValidationError(
      scope,
      `${prop}.deploymentId`,
      deploymentId,
      'A deployment id is the id API Gateway gave a deployment of this API, lowercase letters and digits ' +
        "such as 'nfcn0x': the preset's DeploymentId output, or `aws apigateway get-stage --rest-api-id <api-id> " +
        "--stage-name <stage> --query deploymentId`. Not the deployment's CloudFormation logical id or ARN.",
    );
  }
  if (!canary) {
    return;
  }
  const { percentTraffic } = canary;
  if (
    !isToken(percentTraffic) &&
    !(Number.isFinite(percentTraffic) && percentTraffic >= 0 && percentTraffic <= 100)
  ) {
    throw new PresetValidationError(
      scope,
      `${prop}.canary.percentTraffic`,
      percentTraffic,
      "A canary serves 0 to 100 percent of the stage's requests (AWS::ApiGateway::Stage CanarySetting PercentTraffic).",
    );
  }
  const overrides = canary.stageVariableOverrides ?? {};
  checkStageVariables(scope, `${prop}.canary.stageVariableOverrides`, overrides);
  if (canary.useStageCache && !hasCacheCluster) {
    throw new PresetValidationError(
      scope,
      `${prop}.canary.useStageCache`,
      true,
      'The stage has no cache cluster for the canary to use: give the stage (or the API) `caching`, or leave useStageCache out.',
    );
  }
  if (deploymentId === undefined && Object.keys(overrides).length === 0) {
    throw new PresetValidationError(
      scope,
      `${prop}.canary`,
      canary,
      'Without deploymentId the stage moves to the newest deployment with its canary, so the canary serves ' +
        'exactly what the stage serves. Pin the stage to the deployment it serves now (deploymentId: the ' +
        "preset's DeploymentId output from the last deploy) so that only the canary gets the changed API, or " +
        'give the canary stageVariableOverrides to try other stage variables on the same deployment.',
    );
  }
}

/**
 * Leaves the warnings of a stage's release settings: a stage pinned to an earlier deployment without a
 * canary (it does not get route changes), and a canary that moves with its stage.
 */
export function warnAboutStageRelease(scope: Construct, stageName: string, stage: StageRelease): void {
  const { deploymentId, canary } = stage;
  if (deploymentId !== undefined && !canary) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:stage-pinned',
      `Stage '${stageName}' serves the deployment ${deploymentId} (deploymentId), not the API as the code defines it: ` +
        'route changes do not reach it, and its routes may differ from the contract (openApi()). Remove deploymentId ' +
        'to move the stage to the newest deployment, once the code is what the stage should serve.',
    );
  }
  if (deploymentId === undefined && canary) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:canary-follows-stage',
      `The canary of stage '${stageName}' serves the stage's own deployment with other stage variables: a change ` +
        'to the API reaches all of the stage at once, not the canary first. Pin the stage (deploymentId) to release ' +
        'API changes through the canary.' +
        (canary.useStageCache
          ? ' With useStageCache the canary and the stage share cache entries, so responses the canary gets ' +
            'with its stage variables can be served to requests outside it, and the other way round.'
          : ''),
    );
  }
}

/**
 * Points the stage at its deployment and canary: the pinned deployment (when given) instead of the
 * API's newest one, and a canary on the newest one.
 *
 * A pinned stage without a canary carries a closed canary (0 percent, on the pinned deployment): removing
 * `CanarySetting` from the template has been reported to leave the canary on the stage (aws/aws-cdk#33901),
 * which after a rollback would keep sending its share of requests to the deployment rolled back from.
 */
export function renderStageRelease(
  stage: apigw.Stage,
  release: StageRelease,
  newest: apigw.Deployment,
): void {
  const cfnStage = stage.node.defaultChild as apigw.CfnStage;
  const { deploymentId, canary } = release;
  if (deploymentId !== undefined) {
    cfnStage.deploymentId = deploymentId;
  }
  if (canary) {
    const overrides = canary.stageVariableOverrides ?? {};
    cfnStage.canarySetting = {
      deploymentId: newest.deploymentId,
      percentTraffic: canary.percentTraffic,
      stageVariableOverrides: Object.keys(overrides).length > 0 ? overrides : undefined,
      useStageCache: canary.useStageCache ?? false,
    };
  } else if (deploymentId !== undefined) {
    cfnStage.canarySetting = { deploymentId, percentTraffic: 0, useStageCache: false };
  }
}

/**
 * The `DeploymentId` output: the id of the API's newest deployment, the id a stage is pinned to before
 * the next change goes to its canary.
 */
export function outputDeploymentId(scope: Construct, deployment: apigw.Deployment): CfnOutput {
  return new CfnOutput(scope, 'DeploymentId', {
    value: deployment.deploymentId,
    description:
      `Id of the newest deployment of ${scope.node.path}, which every stage without deploymentId serves; ` +
      'pin a stage to it (deploymentId) to release the next change through a canary',
  });
}
