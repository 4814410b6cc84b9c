import { Names, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * The Lambda invoke permissions of one API: one per function, covering every stage, method and path of
 * this API, however many routes use the function (and one per authorizer function). aws-cdk-lib gives two per method, which fills the
 * function's 20 KB policy and the stack's 500 resources long before API Gateway's own limits.
 */
export class InvokePermissions {
  private readonly granted = new Set<string>();
  /** The prefixes each function was granted with: a large API asks again for every route. */
  private readonly grantedTo = new WeakMap<lambda.IFunction, Set<string>>();

  /**
   * @param scope the preset: permissions live with the API, not with the function
   * @param api the API allowed to invoke
   */
  constructor(
    private readonly scope: Construct,
    private readonly api: apigw.RestApiBase,
  ) {}

  /** Lets this API invoke the function from its routes; a second call for the same function does nothing. */
  public allow(fn: lambda.IFunction): void {
    this.grant('Invoke', fn, this.api.arnForExecuteApi('*', '/*', '*'));
  }

  /**
   * Lets this API's authorizers invoke the function. Their ids are given by API Gateway when it imports
   * the definition, so the permission covers every authorizer of this API.
   */
  public allowAuthorizer(fn: lambda.IFunction): void {
    this.grant(
      'Authorize',
      fn,
      Stack.of(this.scope).formatArn({
        service: 'execute-api',
        resource: this.api.restApiId,
        resourceName: 'authorizers/*',
      }),
    );
  }

  private grant(prefix: string, fn: lambda.IFunction, sourceArn: string): void {
    const prefixes = this.grantedTo.get(fn) ?? new Set<string>();
    if (prefixes.has(prefix)) {
      return;
    }
    this.grantedTo.set(fn, prefixes.add(prefix));
    const id = `${prefix}${Names.nodeUniqueId(fn.node)}`;
    if (this.granted.has(id)) {
      return;
    }
    this.granted.add(id);
    fn.addPermission(id, {
      scope: this.scope,
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn,
      // The account as well as the ARN: confused-deputy protection (AWS Control Tower CT.LAMBDA.PR.2).
      sourceAccount: Stack.of(this.scope).account,
    });
  }
}
