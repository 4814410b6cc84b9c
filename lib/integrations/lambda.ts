import { Fn, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';

/**
 * The URI API Gateway invokes a function through, for integrations and authorizers. One `Fn::Sub` keeps
 * it short: a large API repeats it once per route.
 *
 * @param scope the API: a function in another stack is referenced through the stack's exports
 */
export function lambdaInvocationUri(fn: lambda.IFunction, scope: IConstruct, streaming = false): string {
  // A streamed response comes through Lambda's InvokeWithResponseStream API.
  const [version, action] = streaming
    ? ['2021-11-15', 'response-streaming-invocations']
    : ['2015-03-31', 'invocations'];
  const prefix = `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/${version}/functions/`;
  const cfn = fn.node.defaultChild;
  if (cfn instanceof lambda.CfnFunction && Stack.of(cfn) === Stack.of(scope)) {
    // The function's own logical id (a token until synth): no variables map to repeat on every route.
    // Only in the API's own stack: from another stack the ARN is a reference, which aws-cdk-lib exports.
    return Fn.sub(`${prefix}\${${Stack.of(cfn).getLogicalId(cfn)}.Arn}/${action}`);
  }
  return Fn.sub(`${prefix}\${Arn}/${action}`, { Arn: fn.functionArn });
}

/**
 * A function whose name is set in code is replaced when the name changes; its new ARN reaches the stage
 * only through a new deployment, but the definition (which holds the ARN as a reference) does not change.
 * The name, when known at synth, changes the deployment's id instead.
 */
export function addFunctionNameToDeploymentHash(
  fn: lambda.IFunction,
  addToDeploymentHash: (data: unknown) => void,
): void {
  const name =
    fn instanceof lambda.Function ? (fn.node.defaultChild as lambda.CfnFunction).functionName : undefined;
  if (name && !Token.isUnresolved(name)) {
    addToDeploymentHash({ lambdaFunctionName: name });
  }
}
