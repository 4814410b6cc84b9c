/*
 * The two APIs every benchmark compares, built the same way by the in-process and the fresh-process
 * benchmarks. The library is passed in, never imported here: the in-process benchmark loads its
 * TypeScript sources, the fresh-process one its jsii build.
 */
import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type * as Presets from '../../lib';

export type Variant = 'preset' | 'baseline';
export const VARIANTS: readonly Variant[] = ['preset', 'baseline'];

/**
 * `nested` puts each route one level down (`GET /rK/{id}`: two API Gateway paths a route), `flat` at
 * the top (`GET /rK`: one).
 */
export type Shape = 'nested' | 'flat';
export const SHAPES: readonly Shape[] = ['nested', 'flat'];

export function routePath(shape: Shape, index: number): string {
  return shape === 'nested' ? `/r${index}/{id}` : `/r${index}`;
}

/** How each variant adds a route, for the reports. */
export const VARIANT_CODE: Record<Variant, string> = {
  preset: "new EdgeApi(stack, 'Api') + api.addRoute('GET', path, RouteIntegration.lambdaFunction(fn))",
  baseline:
    "new apigw.RestApi(stack, 'Api') + api.root.resourceForPath(path).addMethod('GET', new apigw.LambdaIntegration(fn))",
};

/** The same context for both variants; nothing else is set, so no feature flags apply unless a bench adds one. */
export const BENCH_CONTEXT: Record<string, unknown> = {
  // CDK refuses stacks over 500 resources by default; the baseline passes 500 at about 100 routes.
  '@aws-cdk/core:stackResourceLimit': 0,
};

/**
 * CloudFormation Validate reports the same 500-resource limit as rule F0007: a warning by default, an
 * error that fails synth with '@aws-cdk/core:validateAgainstDefaultRules'. Acknowledging it on both
 * variants keeps the baseline synthesizing (and stderr quiet) without changing what is validated.
 */
export const RESOURCE_LIMIT_RULE = 'CloudFormation-Validate::F0007';

/** The stack both variants build into. */
export function benchStack(scope: Construct, props: StackProps = {}): Stack {
  const stack = new Stack(scope, 'Bench', props);
  Validations.of(stack).acknowledge({
    id: RESOURCE_LIMIT_RULE,
    reason: 'benchmark: the baseline is measured past 500 resources on purpose',
  });
  return stack;
}

/** One shared function and `routes` GET routes to it, in the variant's API. The baseline needs no library. */
export function buildApi(
  presets: typeof Presets | undefined,
  variant: Variant,
  stack: Stack,
  shape: Shape,
  routes: number,
): void {
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  if (variant === 'preset') {
    if (!presets) {
      throw new Error('the preset variant needs the library');
    }
    const api = new presets.EdgeApi(stack, 'Api');
    for (let i = 0; i < routes; i++) {
      api.addRoute('GET', routePath(shape, i), presets.RouteIntegration.lambdaFunction(fn));
    }
  } else {
    const api = new apigw.RestApi(stack, 'Api');
    for (let i = 0; i < routes; i++) {
      api.root.resourceForPath(routePath(shape, i)).addMethod('GET', new apigw.LambdaIntegration(fn));
    }
  }
}
