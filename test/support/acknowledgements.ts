import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Every cdk-nag acknowledgement made on `container` or below it, keyed `relative/path ruleId`, with its
 * reason. The root itself is written as '.'.
 */
export function acknowledgementsUnder(container: IConstruct): Record<string, string> {
  const acknowledged: Record<string, string> = {};
  const prefix = `${container.node.path}/`;
  for (const construct of container.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        continue;
      }
      const where = construct.node.path.startsWith(prefix) ? construct.node.path.slice(prefix.length) : '.';
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        acknowledged[`${where} ${id.replace(/^annotation::/i, '')}`] = reason;
      }
    }
  }
  return acknowledged;
}
