import { App, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ApiAuthorization, DefinitionLocation, EdgeApi, RouteIntegration } from '../../lib';
import * as definitionModule from '../../lib/gateway/definition';
import { definitionOf, Json } from '../support/definition';

/**
 * The definition is rendered once for each state of the route table and resolved once per synth; what
 * changes after it was first read still reaches the template.
 */

const MOCK = RouteIntegration.mock();
const THROTTLED = { throttling: { rateLimit: 10, burstLimit: 5 } };

function api(): EdgeApi {
  return new EdgeApi(new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack'), 'Api');
}

function handler(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
}

/** Resolves the REST API and its stage as a `cdk synth` would, before the app is finished. */
function readEverything(a: EdgeApi): void {
  const stack = Stack.of(a);
  stack.resolve((a.restApi.node.defaultChild as apigw.CfnRestApi).body);
  stack.resolve((a.restApi.node.defaultChild as apigw.CfnRestApi).binaryMediaTypes);
  stack.resolve((a.stages[0].node.defaultChild as apigw.CfnStage).methodSettings);
  stack.resolve((a.deployment.node.defaultChild as CfnResource).logicalId);
}

function stageSettingsOf(t: Template): Json[] {
  const [stage] = Object.values(t.findResources('AWS::ApiGateway::Stage'));
  return stage.Properties.MethodSettings as Json[];
}

function deploymentIdOf(t: Template): string {
  const ids = Object.keys(t.findResources('AWS::ApiGateway::Deployment'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('what changes after the definition was read', () => {
  test('a route added after the definition, the stage and the deployment were resolved is in all of them', () => {
    // GIVEN an API whose template was resolved with one route
    const a = api();
    a.addRoute('GET', '/a', MOCK);
    readEverything(a);
    const early = api();
    early.addRoute('GET', '/a', MOCK);

    // WHEN a throttled route (its own method settings) serving binary bodies is added
    const bucket = new s3.Bucket(Stack.of(a), 'Files');
    a.addRoute('GET', '/files/{proxy+}', RouteIntegration.s3(bucket), THROTTLED);

    // THEN the definition, the stage's method settings, the binary media types and the deployment have it
    const t = Template.fromStack(Stack.of(a));
    expect(Object.keys(definitionOf(t).paths)).toEqual(['/a', '/files/{proxy+}']);
    expect(stageSettingsOf(t).map((s) => `${s.HttpMethod} ${s.ResourcePath}`)).toEqual([
      '* /*',
      'GET /~1files~1{proxy+}',
    ]);
    const [restApi] = Object.values(t.findResources('AWS::ApiGateway::RestApi'));
    expect(restApi.Properties.BinaryMediaTypes).toEqual(['*/*']);
    expect(deploymentIdOf(t)).not.toBe(deploymentIdOf(Template.fromStack(Stack.of(early))));
  });

  test('an operation override made after the definition was read is in the template', () => {
    const a = api();
    const route = a.addRoute('GET', '/a', MOCK);
    readEverything(a);
    route.addOperationOverride('externalDocs.url', 'https://example.com/docs');
    const t = Template.fromStack(Stack.of(a));
    expect(definitionOf(t).paths['/a'].get.externalDocs).toEqual({ url: 'https://example.com/docs' });
  });

  test('a route added while the app synthesizes (by a validation after the preset’s) is in the template', () => {
    const a = api();
    a.addRoute('GET', '/a', MOCK);
    // Validated after the preset (tree order): its definition has already been resolved for this synth.
    new Construct(Stack.of(a), 'Later').node.addValidation({
      validate: () => {
        a.addRoute('GET', '/late', MOCK, THROTTLED);
        return [];
      },
    });
    const t = Template.fromStack(Stack.of(a));
    expect(Object.keys(definitionOf(t).paths)).toEqual(['/a', '/late']);
    expect(stageSettingsOf(t)).toHaveLength(2);
  });
});

describe('one rendering and one resolution per synth', () => {
  test('the definition is rendered once and its values resolved at most three times in a synth', () => {
    // GIVEN 50 routes to 5 functions, one of them carrying a value that counts its resolutions
    const a = api();
    const stack = Stack.of(a);
    const functions = [0, 1, 2, 3, 4].map((k) => handler(stack, `Fn${k}`));
    for (let i = 0; i < 50; i++) {
      a.addRoute('GET', `/r${i}/{id}`, RouteIntegration.lambdaFunction(functions[i % 5]));
    }
    let resolutions = 0;
    a.addRoute('GET', '/counted', MOCK).addOperationOverride(
      'summary',
      Lazy.uncachedString({
        produce: () => {
          resolutions++;
          return 'counted';
        },
      }),
    );
    const render = jest.spyOn(definitionModule, 'renderDefinition');

    // WHEN the app synthesizes, with the template-size check and the deployment's hash
    const t = Template.fromStack(stack);

    // THEN one rendering; resolved when aws-cdk-lib prepares the app (its references), once for the
    // deployment's hash while preparing, and once when the preset validates
    expect(render).toHaveBeenCalledTimes(1);
    expect(resolutions).toBeLessThanOrEqual(3);
    expect(definitionOf(t).paths['/counted'].get.summary).toBe('counted');
    render.mockRestore();
  });

  test('the deployment’s logical id is the one aws-cdk-lib computes from the same definition', () => {
    const a = api();
    const stack = Stack.of(a);
    const fn = handler(stack, 'Fn');
    a.addRoute('GET', '/a', RouteIntegration.lambdaFunction(fn));
    a.addRoute('POST', '/b', MOCK);
    const id = deploymentIdOf(Template.fromStack(stack));

    // aws-cdk-lib's own computation, on the finished app: its method, its hash components
    const resource = a.deployment.node.defaultChild as unknown as {
      hashComponents: { get(): unknown[] };
    };
    const prototype = Object.getPrototypeOf(resource) as {
      calculateLogicalId(this: unknown, components: unknown[]): string;
    };
    expect(prototype.calculateLogicalId.call(resource, resource.hashComponents.get())).toBe(id);
  });
});

test('the template-size check counts every definition of the stack from its one resolution', () => {
  // GIVEN two APIs in one stack that keep their definitions in the template, each with a route whose
  // description takes 550,000 bytes
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Stack', { suppressTemplateIndentation: true });
  for (const id of ['A', 'B']) {
    new EdgeApi(stack, id, { definitionLocation: DefinitionLocation.TEMPLATE }).addRoute('GET', '/a', MOCK, {
      description: 'x'.repeat(550_000),
    });
  }

  // THEN synth fails, counting each definition with its description
  let error = '';
  try {
    app.synth();
  } catch (e) {
    error = String(e);
  }
  expect(error).toMatch(/Invalid template size of Stack: 11\d{5} bytes without indentation/);
  for (const id of ['A', 'B']) {
    const bytes = Number(new RegExp(`the API definition of Stack/${id}/Api (\\d+)`).exec(error)![1]);
    expect(bytes).toBeGreaterThan(550_000);
    expect(bytes).toBeLessThan(560_000);
  }
});

test('functions in another stack are imported: their exports are found while the app is prepared', () => {
  // GIVEN a function in one stack and the API in another
  const app = new App({ builtinCloudFormationValidation: false });
  const functions = new Stack(app, 'Functions');
  const fn = handler(functions, 'Fn');
  const authorizer = handler(functions, 'Authorizer');
  const a = new EdgeApi(new Stack(app, 'Api'), 'Api');
  a.addRoute('GET', '/a', RouteIntegration.lambdaFunction(fn), {
    authorization: ApiAuthorization.lambdaToken(authorizer),
  });

  // THEN the definition imports both functions' ARNs, which the other stack exports
  const t = Template.fromStack(Stack.of(a));
  const definition = definitionOf(t);
  const uris = [
    definition.paths['/a'].get['x-amazon-apigateway-integration'].uri,
    ...Object.values(definition.components.securitySchemes as Json).map(
      (scheme) => (scheme as Json)['x-amazon-apigateway-authorizer'].authorizerUri,
    ),
  ];
  expect(uris).toHaveLength(2);
  for (const uri of uris) {
    expect(JSON.stringify(uri)).toContain('Fn::ImportValue');
  }
  expect(Object.keys(Template.fromStack(functions).toJSON().Outputs ?? {})).toHaveLength(2);
});
