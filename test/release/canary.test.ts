import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CanaryReleaseApiStack } from '../../examples/canary-release-api';
import {
  CacheSize,
  EdgeApi,
  RegionalApi,
  RestApiPresetProps,
  RouteIntegration,
  StageOptions,
} from '../../lib';
import { expectInvalid } from '../support/expect-invalid';

/** The id API Gateway gave the first deployment (what the DeploymentId output showed after step 1). */
const V1_DEPLOYMENT_ID = 'nfcn0x';

/** An API at Stack/Api with the routes of a version of the code: v1 has one route, v2 adds one. */
function synth(version: 1 | 2, props: RestApiPresetProps = {}): Template {
  const stack = new Stack(new App(), 'Stack');
  const api = new EdgeApi(stack, 'Api', props);
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  if (version === 2) {
    api.addRoute('POST', '/orders', RouteIntegration.mock());
  }
  return Template.fromStack(stack);
}

/** The properties of the stage named `stageName`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, read by key in the assertions
function stageOf(template: Template, stageName = 'prod'): Record<string, any> {
  const stages = Object.values(
    template.findResources('AWS::ApiGateway::Stage', { Properties: { StageName: stageName } }),
  );
  expect(stages).toHaveLength(1);
  return stages[0].Properties;
}

/** The value of the preset's DeploymentId output, or undefined without one. */
function deploymentIdOutput(template: Template): unknown {
  const outputs = Object.entries(template.toJSON().Outputs ?? {}).filter(([id]) =>
    id.startsWith('ApiDeploymentId'),
  );
  expect(outputs.length).toBeLessThanOrEqual(1);
  return (outputs[0]?.[1] as { Value?: unknown } | undefined)?.Value;
}

/** The logical id of the API's one deployment resource. */
function deploymentOf(template: Template): string {
  const ids = Object.keys(template.findResources('AWS::ApiGateway::Deployment'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('a release through a canary, step by step', () => {
  // Step 1: v1 deployed, prod serves the newest deployment.
  const v1 = synth(1);
  // Step 2: the routes change; prod is pinned to v1's deployment and the canary gets the new one.
  const canary = synth(2, {
    stages: [{ stageName: 'prod', deploymentId: V1_DEPLOYMENT_ID, canary: { percentTraffic: 10 } }],
  });
  // Step 3a: promotion, canary and pin removed.
  const promoted = synth(2, { stages: [{ stageName: 'prod' }] });
  // Step 3b: rollback, canary removed, pin kept.
  const rolledBack = synth(2, { stages: [{ stageName: 'prod', deploymentId: V1_DEPLOYMENT_ID }] });

  test('step 1 (v1): the stage serves the newest deployment, whose id is an output', () => {
    const deployment = deploymentOf(v1);
    expect(stageOf(v1).DeploymentId).toEqual({ Ref: deployment });
    expect(stageOf(v1).CanarySetting).toBeUndefined();
    expect(deploymentIdOutput(v1)).toEqual({ Ref: deployment });
    // Retained, so the id stays valid after the next change replaces the resource in the template.
    v1.hasResource('AWS::ApiGateway::Deployment', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('step 2 (v2 + canary): the stage keeps v1, the canary gets the new deployment', () => {
    const v2Deployment = deploymentOf(canary);
    expect(v2Deployment).not.toEqual(deploymentOf(v1));
    expect(stageOf(canary).DeploymentId).toBe(V1_DEPLOYMENT_ID);
    expect(stageOf(canary).CanarySetting).toEqual({
      DeploymentId: { Ref: v2Deployment },
      PercentTraffic: 10,
      UseStageCache: false,
    });
    expect(deploymentIdOutput(canary)).toEqual({ Ref: v2Deployment });
  });

  test('step 3a (promote): the stage serves the deployment the canary served, and the canary is gone', () => {
    expect(deploymentOf(promoted)).toEqual(deploymentOf(canary));
    expect(stageOf(promoted).DeploymentId).toEqual({ Ref: deploymentOf(canary) });
    expect(stageOf(promoted).CanarySetting).toBeUndefined();
  });

  test('step 3b (roll back): the stage stays on v1 and the canary is closed on v1', () => {
    expect(deploymentOf(rolledBack)).toEqual(deploymentOf(canary));
    expect(stageOf(rolledBack).DeploymentId).toBe(V1_DEPLOYMENT_ID);
    // No share of the requests goes to v2, even where the removed canary stays on the stage.
    expect(stageOf(rolledBack).CanarySetting).toEqual({
      DeploymentId: V1_DEPLOYMENT_ID,
      PercentTraffic: 0,
      UseStageCache: false,
    });
  });

  test('the stage keeps its other settings at every step', () => {
    const otherSettings = (template: Template): Record<string, unknown> => {
      const settings: Record<string, unknown> = { ...stageOf(template) };
      delete settings.DeploymentId;
      delete settings.CanarySetting;
      return settings;
    };
    const before = otherSettings(v1);
    expect(before.MethodSettings).toBeDefined();
    for (const template of [canary, promoted, rolledBack]) {
      // Method settings, access logs, tracing, variables: a canary changes where requests go, nothing else.
      expect(otherSettings(template)).toEqual(before);
    }
  });

  test('the web ACL stays associated with the stage at every step', () => {
    for (const template of [v1, canary, promoted, rolledBack]) {
      const associations = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
      expect(associations).toHaveLength(1);
      const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0];
      expect(JSON.stringify(associations[0].Properties.ResourceArn)).toContain(
        `"/stages/",${JSON.stringify({ Ref: stageId })}`,
      );
    }
  });
});

test('a stage pinned to an earlier deployment serves it while the API does not change (rollback in code)', () => {
  const current = synth(1);
  const pinned = synth(1, { stages: [{ stageName: 'prod', deploymentId: 'abc123' }] });
  // No new deployment: the definition is the same.
  expect(deploymentOf(pinned)).toEqual(deploymentOf(current));
  expect(stageOf(pinned).DeploymentId).toBe('abc123');
  expect(stageOf(pinned).CanarySetting).toEqual({
    DeploymentId: 'abc123',
    PercentTraffic: 0,
    UseStageCache: false,
  });
});

test('other stages move to the newest deployment while one runs a canary', () => {
  const template = synth(2, {
    stages: [
      { stageName: 'beta' },
      { stageName: 'prod', deploymentId: V1_DEPLOYMENT_ID, canary: { percentTraffic: 25.5 } },
    ],
  });
  const newest = { Ref: deploymentOf(template) };
  expect(stageOf(template, 'beta').DeploymentId).toEqual(newest);
  expect(stageOf(template, 'beta').CanarySetting).toBeUndefined();
  expect(stageOf(template, 'prod').DeploymentId).toBe(V1_DEPLOYMENT_ID);
  expect(stageOf(template, 'prod').CanarySetting.DeploymentId).toEqual(newest);
  expect(stageOf(template, 'prod').CanarySetting.PercentTraffic).toBe(25.5);
});

test('a canary with stage variable overrides and the stage cache', () => {
  const template = synth(2, {
    stages: [
      {
        stageName: 'prod',
        caching: { size: CacheSize.GB_0_5 },
        variables: { backend: 'blue' },
        deploymentId: V1_DEPLOYMENT_ID,
        canary: { percentTraffic: 5, stageVariableOverrides: { backend: 'green' }, useStageCache: true },
      },
    ],
  });
  expect(stageOf(template).Variables).toEqual({ backend: 'blue' });
  expect(stageOf(template).CanarySetting).toEqual({
    DeploymentId: { Ref: deploymentOf(template) },
    PercentTraffic: 5,
    StageVariableOverrides: { backend: 'green' },
    UseStageCache: true,
  });
});

test('the custom domain maps the stage, whichever deployment it and its canary serve', () => {
  const stack = new Stack(new App(), 'Stack', { env: { region: 'eu-west-1' } });
  const certificate = acm.Certificate.fromCertificateArn(
    stack,
    'Certificate',
    'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555',
  );
  const api = new RegionalApi(stack, 'Api', {
    customDomain: { domainName: 'api.example.com', certificate },
    stages: [{ stageName: 'prod', deploymentId: V1_DEPLOYMENT_ID, canary: { percentTraffic: 10 } }],
  });
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  const template = Template.fromStack(stack);
  const mappings = {
    ...template.findResources('AWS::ApiGateway::BasePathMapping'),
    ...template.findResources('AWS::ApiGatewayV2::ApiMapping'),
  };
  const mapping = Object.values(mappings)[0].Properties;
  const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0];
  expect(mapping.Stage).toEqual({ Ref: stageId });
});

test('a deployment id known only at deploy time (a parameter) is taken as it is', () => {
  const stack = new Stack(new App(), 'Stack');
  const id = new CfnParameter(stack, 'ProdDeploymentId').valueAsString;
  const api = new EdgeApi(stack, 'Api', {
    stages: [{ stageName: 'prod', deploymentId: id, canary: { percentTraffic: 10 } }],
  });
  api.addRoute('GET', '/orders', RouteIntegration.mock());
  expect(stageOf(Template.fromStack(stack)).DeploymentId).toEqual({ Ref: 'ProdDeploymentId' });
});

test('deploymentIdOutput: false leaves the output out', () => {
  expect(deploymentIdOutput(synth(1, { deploymentIdOutput: false }))).toBeUndefined();
});

describe('warnings', () => {
  function annotations(stages: StageOptions[]): Annotations {
    const stack = new Stack(new App(), 'Stack');
    new EdgeApi(stack, 'Api', { stages }).addRoute('GET', '/orders', RouteIntegration.mock());
    return Annotations.fromStack(stack);
  }

  test('a stage pinned without a canary does not get route changes', () => {
    annotations([{ stageName: 'prod', deploymentId: 'abc123' }]).hasWarning(
      '/Stack/Api',
      Match.stringLikeRegexp("Stage 'prod' serves the deployment abc123.*stage-pinned"),
    );
  });

  test('a canary on an unpinned stage moves with the stage; sharing the cache is named', () => {
    const found = annotations([
      {
        stageName: 'prod',
        caching: {},
        canary: { percentTraffic: 10, stageVariableOverrides: { alias: 'canary' }, useStageCache: true },
      },
    ]);
    found.hasWarning(
      '/Stack/Api',
      Match.stringLikeRegexp('reaches all of the stage at once.*canary-follows-stage'),
    );
    found.hasWarning('/Stack/Api', Match.stringLikeRegexp('share cache entries.*canary-follows-stage'));
  });

  test('a pinned stage with a canary warns of nothing', () => {
    const found = annotations([
      { stageName: 'prod', deploymentId: 'abc123', canary: { percentTraffic: 10 } },
    ]);
    found.hasNoWarning('/Stack/Api', Match.stringLikeRegexp('stage-pinned|canary-follows-stage'));
  });
});

describe('validation', () => {
  function api(stage: Partial<StageOptions>, props: RestApiPresetProps = {}): EdgeApi {
    return new EdgeApi(new Stack(new App(), 'Stack'), 'Api', {
      ...props,
      stages: [{ stageName: 'prod', ...stage }],
    });
  }

  test.each([-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'fails when percentTraffic is %p',
    (percent) => {
      expectInvalid(
        () => api({ deploymentId: 'abc123', canary: { percentTraffic: percent } }),
        'stages[0].canary.percentTraffic',
        String(percent),
        'A canary serves 0 to 100 percent',
      );
    },
  );

  test('0 and 100 percent are allowed', () => {
    expect(() => api({ deploymentId: 'abc123', canary: { percentTraffic: 0 } })).not.toThrow();
    expect(() => api({ deploymentId: 'abc123', canary: { percentTraffic: 100 } })).not.toThrow();
  });

  test('fails when a canary would serve what its unpinned stage serves', () => {
    expectInvalid(
      () => api({ canary: { percentTraffic: 10 } }),
      'stages[0].canary',
      '{"percentTraffic":10}',
      'Pin the stage to the deployment it serves now',
    );
  });

  test.each([
    'OrdersApiDeployment3F6B2A1C8d0e',
    'arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/deployments/nfcn0x',
    ' nfcn0x',
    '',
  ])('fails when deploymentId is %p', (deploymentId) => {
    expectInvalid(
      () => api({ deploymentId, canary: { percentTraffic: 10 } }),
      'stages[0].deploymentId',
      JSON.stringify(deploymentId),
      "Not the deployment's CloudFormation logical id or ARN.",
    );
  });

  test('fails when the canary would use a stage cache the stage does not have', () => {
    expectInvalid(
      () => api({ deploymentId: 'abc123', canary: { percentTraffic: 10, useStageCache: true } }),
      'stages[0].canary.useStageCache',
      'true',
      'The stage has no cache cluster',
    );
  });

  test("the API's caching counts as the stage's", () => {
    expect(() =>
      api(
        { deploymentId: 'abc123', canary: { percentTraffic: 10, useStageCache: true } },
        { caching: { size: CacheSize.GB_0_5 } },
      ),
    ).not.toThrow();
  });

  test('fails when a stage variable override has a name a stage variable cannot have', () => {
    expectInvalid(
      () =>
        api({
          deploymentId: 'abc123',
          canary: { percentTraffic: 10, stageVariableOverrides: { 'my-var': 'x' } },
        }),
      'stages[0].canary.stageVariableOverrides.my-var',
      '"my-var"',
      'Stage variable names are 1-64 letters, digits and underscores.',
    );
  });
});

test('the example synthesizes both ways, with no nag findings', () => {
  for (const context of [{}, { prodDeploymentId: V1_DEPLOYMENT_ID }]) {
    // aws-cdk-lib's CloudFormation validation strict, as in examples.test.ts.
    const app = new App({
      context: {
        ...context,
        '@aws-cdk/core:validateAgainstDefaultRules': true,
        '@aws-cdk/core:strictCfnValidateErrors': true,
      },
    });
    const stack = new CanaryReleaseApiStack(app, 'CanaryReleaseApi');
    app.synth();
    for (const Pack of [AwsSolutionsChecks, ServerlessChecks]) {
      expect(new Pack().validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    }
    const prod = stageOf(Template.fromStack(stack));
    expect(prod.CanarySetting === undefined).toBe(!('prodDeploymentId' in context));
  }
});
