import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EdgeApi, RouteIntegration } from '../../lib';
import { Json } from '../support/definition';

/**
 * 5,000 Lambda routes on one function, with aws-cdk-lib's CloudFormation validation on: the definition
 * leaves the template by itself (DefinitionLocation.AUTO), and the template fits CloudFormation. One app,
 * synthesized once (about 15 s here, most of it the validator's own start-up).
 */

const ROUTES = 5000;

let template: { Resources: Record<string, Json> };
let templateBytes: number;
let asset: Json;
let outdir: string;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'large-api-'));
  const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const stack = new Stack(app, 'Large');
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  const api = new EdgeApi(stack, 'Api');
  const integration = RouteIntegration.lambdaFunction(fn);
  for (let i = 0; i < ROUTES; i++) {
    api.addRoute('GET', `/r${i}/{id}`, integration);
  }
  app.synth();
  const file = path.join(outdir, stack.templateFile);
  templateBytes = fs.statSync(file).size;
  template = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof template;
  const [importer] = Object.values(template.Resources).filter(
    (r) => r.Type === 'Custom::ApiGatewayDefinitionImport',
  );
  asset = JSON.parse(
    fs.readFileSync(path.join(outdir, `asset.${importer.Properties.DefinitionKey}`), 'utf8'),
  ) as Json;
}, 120_000);

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('5,000 Lambda routes synthesize, with validation on, into a template of at most 1,000,000 bytes and 500 resources', () => {
  expect(templateBytes).toBeLessThanOrEqual(1_000_000);
  expect(Object.keys(template.Resources).length).toBeLessThanOrEqual(500);
});

test('the definition is in the asset, every route with it, and one value for the one function', () => {
  const restApi = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi')!;
  expect(restApi.Properties.Body).toBeUndefined();
  expect(Object.keys(asset.paths)).toHaveLength(ROUTES);
  const [importer] = Object.values(template.Resources).filter(
    (r) => r.Type === 'Custom::ApiGatewayDefinitionImport',
  );
  expect(importer.Properties.Values).toHaveLength(1);
});
