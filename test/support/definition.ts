import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';

/** A JSON object of the synthesized template, read by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, navigated freely by tests
export type Json = { [key: string]: any };

/** The template of the stack `scope` is in. */
export function templateOf(scope: IConstruct): Template {
  return Template.fromStack(Stack.of(scope));
}

/** The API definition: the `Body` of the one REST API in the template. */
export function definitionOf(template: Template): Json {
  const apis = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
  if (apis.length !== 1) {
    throw new Error(`expected one REST API, found ${apis.length}`);
  }
  return apis[0].Properties.Body as Json;
}

/** The operation of a route in the definition; ANY is API Gateway's any-method extension. */
export function operationOf(template: Template, method: string, path: string): Json {
  const item = definitionOf(template).paths[path] as Json | undefined;
  const key = method === 'ANY' ? 'x-amazon-apigateway-any-method' : method.toLowerCase();
  if (!item?.[key]) {
    throw new Error(
      `no ${method} ${path} in the definition; it has ${JSON.stringify(Object.keys(definitionOf(template).paths))}`,
    );
  }
  return item[key] as Json;
}

/** The `x-amazon-apigateway-integration` of a route's operation. */
export function integrationOf(template: Template, method: string, path: string): Json {
  return operationOf(template, method, path)['x-amazon-apigateway-integration'] as Json;
}

/** Every operation of the definition, as `METHOD /path` (ANY for the any-method extension). */
export function operationsOf(template: Template): Array<{ route: string; operation: Json }> {
  const result: Array<{ route: string; operation: Json }> = [];
  for (const [path, item] of Object.entries(definitionOf(template).paths as Json)) {
    for (const [key, operation] of Object.entries(item as Json)) {
      const method = key === 'x-amazon-apigateway-any-method' ? 'ANY' : key.toUpperCase();
      result.push({ route: `${method} ${path}`, operation: operation as Json });
    }
  }
  return result;
}
