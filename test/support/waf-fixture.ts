import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { associateWebAcl, createWebAcl, WafOptions } from '../../lib/security/waf';

// A type alias: the fixture hands constructs back to the tests, which the CDK lint rule forbids in interfaces.
export type Fixture = {
  readonly app: App;
  readonly stack: Stack;
  readonly api: apigw.RestApi;
  readonly webAcl?: wafv2.CfnWebACL;
};

/** A plain RestApi with one mock GET, a web ACL from `waf` and, unless told otherwise, its association. */
export function build(waf?: WafOptions, opts: { associate?: boolean } = {}): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const api = new apigw.RestApi(stack, 'Api', {
    cloudWatchRole: false,
    deployOptions: { stageName: 'prod' },
  });
  api.root.addMethod(
    'GET',
    new apigw.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: [{ statusCode: '200' }],
    }),
    { methodResponses: [{ statusCode: '200' }] },
  );
  const webAcl = createWebAcl(stack, waf);
  if (webAcl && opts.associate !== false) {
    associateWebAcl(stack, 'WebAclAssociation', webAcl, api.deploymentStage);
  }
  return { app, stack, api, webAcl };
}
