import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { build } from '../support/waf-fixture';

/** Paths of the stages cdk-nag's AwsSolutions pack reports for APIG3 (stage has no WAF). */
function apig3ViolatingPaths(app: App): string[] {
  app.synth();
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations
    .filter((v) => v.ruleName === 'AwsSolutions-APIG3')
    .flatMap((v) => v.violatingResources.map((r) => (r as { constructPath?: string }).constructPath ?? ''));
}

describe('the web ACL association and cdk-nag', () => {
  test('satisfies cdk-nag AwsSolutions-APIG3 for the stage', () => {
    const fixture = build();
    const stagePath = fixture.api.deploymentStage.node.defaultChild?.node.path;
    expect(stagePath).toBeDefined();
    expect(apig3ViolatingPaths(fixture.app)).not.toContain(stagePath);
  });

  test('cdk-nag reports AwsSolutions-APIG3 for the stage when there is no association', () => {
    const fixture = build({}, { associate: false });
    const stagePath = fixture.api.deploymentStage.node.defaultChild?.node.path;
    expect(apig3ViolatingPaths(fixture.app)).toContain(stagePath);
  });
});
