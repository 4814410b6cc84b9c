/*
 * The two APIs every benchmark compares, built the same way by the in-process and the fresh-process
 * benchmarks. The library is passed in, never imported here: the in-process benchmark loads its
 * TypeScript sources, the fresh-process one its jsii build.
 */
import { Aws, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type * as Presets from '../../lib';

export type Variant = 'preset' | 'baseline';
export const VARIANTS: readonly Variant[] = ['preset', 'baseline'];

/**
 * The floor: aws-cdk-lib's own `SpecRestApi` given an OpenAPI object built by hand, with the same
 * operations and functions as the preset. Nothing does the same job in less: it is what the preset's
 * synth time is measured against.
 */
export type FloorVariant = Variant | 'floor';
export const FLOOR_VARIANTS: readonly FloorVariant[] = ['preset', 'baseline', 'floor'];

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
export const VARIANT_CODE: Record<FloorVariant, string> = {
  preset: "new EdgeApi(stack, 'Api') + api.addRoute('GET', path, RouteIntegration.lambdaFunction(fn))",
  baseline:
    "new apigw.RestApi(stack, 'Api') + api.root.resourceForPath(path).addMethod('GET', new apigw.LambdaIntegration(fn))",
  floor:
    "new apigw.SpecRestApi(stack, 'Api', { apiDefinition: ApiDefinition.fromInline({ paths: { [path]: { get: <aws_proxy integration of fn> } } }) }) + one fn.addPermission per function",
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

/**
 * `routes` GET routes in the variant's API, to one shared function (`routesPerFunction` 0) or to one
 * function for each `routesPerFunction` routes, the functions sharing one role. The baseline and the
 * floor need no library.
 */
export function buildApi(
  presets: typeof Presets | undefined,
  variant: FloorVariant,
  stack: Stack,
  shape: Shape,
  routes: number,
  routesPerFunction = 0,
): void {
  const code = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });');
  const functions: lambda.Function[] = [];
  if (routesPerFunction === 0) {
    functions.push(
      new lambda.Function(stack, 'Handler', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code,
      }),
    );
  } else {
    const role = new iam.Role(stack, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
      ],
    });
    for (let k = 0; k < Math.ceil(routes / routesPerFunction); k++) {
      functions.push(
        new lambda.Function(stack, `Handler${k}`, {
          runtime: lambda.Runtime.NODEJS_24_X,
          handler: 'index.handler',
          code,
          role,
        }),
      );
    }
  }
  const fnOf = (i: number): lambda.Function =>
    functions[routesPerFunction === 0 ? 0 : Math.floor(i / routesPerFunction)];
  if (variant === 'preset') {
    if (!presets) {
      throw new Error('the preset variant needs the library');
    }
    const api = new presets.EdgeApi(stack, 'Api');
    for (let i = 0; i < routes; i++) {
      api.addRoute('GET', routePath(shape, i), presets.RouteIntegration.lambdaFunction(fnOf(i)));
    }
  } else if (variant === 'baseline') {
    const api = new apigw.RestApi(stack, 'Api');
    for (let i = 0; i < routes; i++) {
      api.root.resourceForPath(routePath(shape, i)).addMethod('GET', new apigw.LambdaIntegration(fnOf(i)));
    }
  } else {
    buildFloor(stack, shape, routes, fnOf, functions);
  }
}

/**
 * The floor: the OpenAPI object the preset renders for these routes, written by hand (the operation and
 * its Lambda proxy integration, nothing else), in aws-cdk-lib's `SpecRestApi` with its defaults, and one
 * invoke permission per function for the whole API, as the preset grants.
 */
function buildFloor(
  stack: Stack,
  shape: Shape,
  routes: number,
  fnOf: (i: number) => lambda.Function,
  functions: lambda.Function[],
): void {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < routes; i++) {
    const path = routePath(shape, i);
    paths[path] = {
      get: {
        ...(shape === 'nested'
          ? { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] }
          : {}),
        responses: {},
        'x-amazon-apigateway-integration': {
          type: 'aws_proxy',
          httpMethod: 'POST',
          uri: `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${fnOf(i).functionArn}/invocations`,
          passthroughBehavior: 'when_no_match',
        },
      },
    };
  }
  const api = new apigw.SpecRestApi(stack, 'Api', {
    apiDefinition: apigw.ApiDefinition.fromInline({
      openapi: '3.0.1',
      info: { title: 'Api', version: '1' },
      paths,
    }),
  });
  functions.forEach((fn, k) => {
    fn.addPermission(`Invoke${k}`, {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: api.arnForExecuteApi('*', '/*', '*'),
    });
  });
}
