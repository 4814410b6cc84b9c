import { Annotations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { IConstruct } from 'constructs';

/** The id of the warning left on a preset that has no default endpoint and no domain mapping. */
export const UNREACHABLE_WARNING = 'cdk-apigateway-presets:api-unreachable';

/**
 * Warns, when the app synthesizes, if nothing in the app maps `restApi` on a custom domain: with its
 * default execute-api endpoint disabled, no client could reach it.
 *
 * Deferred, because `ApiDomain.addApi` (or a mapping of the user's own) may map the API after the
 * preset is constructed. A warning, not an error: the mapping may live outside this app (a domain a
 * platform team owns in another stack or app, mapped by the API's id), which the library cannot see;
 * that user acknowledges the warning.
 */
export function warnWhenNeverMapped(preset: IConstruct, restApi: apigw.IRestApi): void {
  preset.node.addValidation({
    validate: () => {
      if (!isMapped(preset.node.root, restApi.restApiId)) {
        Annotations.of(preset).addWarningV2(
          UNREACHABLE_WARNING,
          `${preset.node.path} has disableExecuteApiEndpoint: true, and no custom domain in this app maps it, so no ` +
            'client can reach the API. Give it a customDomain, map it with ApiDomain.addApi, or keep the default ' +
            'endpoint; if a domain outside this app maps it, acknowledge this warning.',
        );
      }
      return [];
    },
  });
}

/** Whether a base path mapping or API mapping anywhere in the app maps the API with this id. */
function isMapped(root: IConstruct, restApiId: string): boolean {
  return root.node
    .findAll()
    .some(
      (c) =>
        ((c instanceof apigw.CfnBasePathMapping || c instanceof apigw.CfnBasePathMappingV2) &&
          c.restApiId === restApiId) ||
        (c instanceof apigwv2.CfnApiMapping && c.apiId === restApiId),
    );
}
