#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addExampleStacks } from '../examples/all';
import { ApiDefinitionChecks } from '../lib';

// Every example, synthesized by `npm run synth` so none can rot. No env account: the stacks need no AWS
// account (one names its Region only).
const app = new App();

addExampleStacks(app);

// A finding with error severity fails `cdk synth`; acknowledged findings are listed in the report.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { verbose: true }),
  new ServerlessChecks(app, { verbose: true }),
  new ApiDefinitionChecks(app, { verbose: true }),
);
