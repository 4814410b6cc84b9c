import { IApplyRule, NagPack, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** A cdk-nag pack class with a constructor that takes no required arguments. */
type PackClass = new () => NagPack;

/** What this module uses of a pack, `applyRule` (protected in NagPack) included. */
interface RecordablePack {
  readonly readPackName: string;
  applyRule(params: IApplyRule): void;
  validateScope(scope: IConstruct): unknown;
}

/**
 * The ids of the rules of `Pack` that apply to at least one resource under `container` (the rule returns
 * anything but NOT_APPLICABLE, or throws), whether the resource passes or not.
 */
export function applicableRules(Pack: PackClass, scope: IConstruct, container: IConstruct): Set<string> {
  const seen = new Set<string>();
  const prefix = `${container.node.path}/`;
  const Base = Pack as unknown as new () => RecordablePack;
  class Recording extends Base {
    public applyRule(params: IApplyRule): void {
      if (params.node.node.path.startsWith(prefix)) {
        const id = `${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
        try {
          if (params.rule(params.node) !== NagRuleCompliance.NOT_APPLICABLE) {
            seen.add(id);
          }
        } catch {
          seen.add(id);
        }
      }
      super.applyRule(params);
    }
  }
  new Recording().validateScope(scope);
  return seen;
}
