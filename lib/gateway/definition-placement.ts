import { Annotations, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import * as limits from '../private/limits';
import { DefinitionCache, measureWithMarkers } from './definition-cache';
import { propertyBytes } from './definition-checks';
import {
  checkImportSize,
  checkPlaceholders,
  DefinitionImport,
  DefinitionWithPlaceholders,
  renderWithPlaceholders,
} from './definition-import';
import { DefinitionLocation } from './definition-location';

/** A definition moved out of the template: what was written, and when. */
interface Imported {
  readonly construct: DefinitionImport;
  readonly definition: DefinitionWithPlaceholders;
  /** The route table's state when the asset was written. */
  readonly version: number;
}

/** The placements of each stack, in the order their presets were created. */
const PLACEMENTS = new WeakMap<Stack, DefinitionPlacement[]>();

/**
 * Decides, when the app synthesizes, whether a preset's definition stays in the template (the RestApi's
 * `Body`) or moves to an S3 asset imported by a custom resource (`DefinitionImport`), and wires the
 * second case: the RestApi without a `Body`, the deployment after the import and hashing what it
 * imports.
 *
 * `AUTO` moves the definition out when what the library writes into the stack's template (every
 * definition still in it and every stage's method settings, as aws-cdk-lib will write them) would pass
 * CloudFormation's 1,000,000 bytes. The rest of the template is not measured here: the decision is made
 * while aspects still run, and rendering other constructs then would fix their cached lazy values before
 * later aspects change them. The whole template is checked once the app is prepared (checkTemplateSize).
 */
export class DefinitionPlacement {
  private imported?: Imported;
  private stages: () => apigw.Stage[] = () => [];

  constructor(
    private readonly scope: Construct,
    private readonly location: DefinitionLocation,
    private readonly cache: DefinitionCache,
  ) {
    const stack = Stack.of(scope);
    PLACEMENTS.set(stack, [...(PLACEMENTS.get(stack) ?? []), this]);
  }

  /** What the RestApi's `Body` resolves from: nothing once the definition is in an asset. */
  public body(): unknown {
    return this.imported ? undefined : this.cache.body();
  }

  /**
   * Decides where the definition goes once every route is in: in a mutating aspect, so the constructs
   * it may add are prepared with the rest of the app.
   */
  public attach(restApi: apigw.SpecRestApi, deployment: apigw.Deployment, stages: () => apigw.Stage[]): void {
    const scope = this.scope;
    this.stages = stages;
    Aspects.of(scope).add(
      {
        visit: (node) => {
          if (node === scope && this.imported === undefined && this.movesOut()) {
            this.moveOut(restApi, deployment);
          }
        },
      },
      { priority: AspectPriority.MUTATING },
    );
    scope.node.addValidation({ validate: () => this.check() });
  }

  private movesOut(): boolean {
    if (this.location === DefinitionLocation.ASSET) {
      return true;
    }
    if (this.location === DefinitionLocation.TEMPLATE) {
      return false;
    }
    const stack = Stack.of(this.scope);
    const staying = (PLACEMENTS.get(stack) ?? []).filter(
      (p) => p.imported === undefined && p.location !== DefinitionLocation.ASSET,
    );
    let bytes: number;
    try {
      bytes = staying.reduce((sum, p) => sum + p.writtenBytes(), 0);
    } catch {
      // Something does not resolve before the app is prepared: the template check, once it is, tells.
      return false;
    }
    return bytes > limits.MAX_TEMPLATE_BYTES;
  }

  /** The bytes this preset writes into the template: its definition and its stages' method settings. */
  private writtenBytes(): number {
    const stack = Stack.of(this.scope);
    // From here on the definition is resolved once for each change (see DefinitionCache).
    this.cache.prepare();
    const marked = measureWithMarkers(stack, () => this.cache.body());
    let bytes = 0;
    for (const definition of marked.definitions.values()) {
      bytes += propertyBytes(stack, definition.value);
    }
    for (const stage of this.stages()) {
      const settings = (stage.node.defaultChild as apigw.CfnStage).methodSettings;
      bytes += settings === undefined ? 0 : propertyBytes(stack, stack.resolve(settings));
    }
    return bytes;
  }

  private moveOut(restApi: apigw.SpecRestApi, deployment: apigw.Deployment): void {
    const definition = renderWithPlaceholders(Stack.of(this.scope), this.cache.definition());
    const construct = new DefinitionImport(this.scope, 'DefinitionImport', {
      restApiId: restApi.restApiId,
      definition,
    });
    this.imported = { construct, definition, version: this.cache.version };
    // The import settings belong to the custom resource now; the RestApi is created without a Body.
    const cfnRestApi = restApi.node.defaultChild as apigw.CfnRestApi;
    cfnRestApi.mode = undefined;
    cfnRestApi.failOnWarnings = undefined;
    cfnRestApi.parameters = undefined;
    // Stages move to a new deployment only once the import succeeded, and exactly when what it imports changes.
    deployment.node.addDependency(construct.resource);
    deployment.addToLogicalId({ definition: construct.asset.assetHash, values: definition.values });
  }

  private check(): string[] {
    const imported = this.imported;
    if (imported === undefined) {
      return [];
    }
    const path = this.scope.node.path;
    if (imported.version !== this.cache.version) {
      return [
        `Invalid routes of ${path}: a route was added or changed after the API definition was written to its asset ` +
          '(by an aspect, or after app.synth() started). Add routes and change their operations before the app synthesizes.',
      ];
    }
    const size = checkImportSize(path, imported.definition);
    if (size.warning) {
      Annotations.of(this.scope).addWarningV2('cdk-apigateway-presets:definition-import-size', size.warning);
    }
    return [...checkPlaceholders(path, imported.definition), ...size.errors];
  }
}
