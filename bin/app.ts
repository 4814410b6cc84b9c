#!/usr/bin/env node
import {
  App,
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import { addExampleStacks, REGULATED_EXAMPLE } from '../examples/all';
import { ApiDefinitionChecks } from '../lib';

// Every example, synthesized by `npm run synth` so none can rot. No env account: the stacks need no AWS
// account (one names its Region only).
const app = new App();

const stacks = addExampleStacks(app);

// A finding with error severity fails `cdk synth`; acknowledged findings are listed in the report.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { verbose: true }),
  new ServerlessChecks(app, { verbose: true }),
  new ApiDefinitionChecks(app, { verbose: true }),
);

// The regulated packs on the example built with ComplianceProfile.REGULATED only: the baseline examples do
// not claim to pass them (docs/COMPLIANCE.md, "Which packs run where"). Plugins are registered on the app,
// so each of these runs its pack on that one stack.
class OnOneStack implements IPolicyValidationPlugin {
  public readonly name: string;

  constructor(
    private readonly pack: NagPack,
    private readonly stack: Stack,
  ) {
    this.name = pack.name;
  }

  public validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    return this.pack.validateScope(this.stack);
  }
}
const regulated = stacks.find((stack) => stack.node.id === REGULATED_EXAMPLE)!;
Validations.of(app).addPlugins(
  new OnOneStack(new HIPAASecurityChecks(regulated, { verbose: true }), regulated),
  new OnOneStack(new NIST80053R5Checks(regulated, { verbose: true }), regulated),
  new OnOneStack(new PCIDSS321Checks(regulated, { verbose: true }), regulated),
);
