import { Template } from 'aws-cdk-lib/assertions';

/**
 * The template's outputs other than the presets' `DeploymentId` (the id of an API's newest deployment,
 * output by every preset unless `deploymentIdOutput: false`), by logical id: the invoke URLs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, as Template.findOutputs
export function urlOutputs(template: Template): { [logicalId: string]: { [key: string]: any } } {
  return Object.fromEntries(
    Object.entries(template.findOutputs('*')).filter(([id]) => !/DeploymentId[0-9A-F]{8}$/.test(id)),
  );
}
