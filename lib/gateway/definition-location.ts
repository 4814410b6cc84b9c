/**
 * Where an API's OpenAPI definition goes: inside the CloudFormation template (the REST API's `Body`),
 * or out of it, into an S3 asset that a custom resource imports with PutRestApi.
 */
export class DefinitionLocation {
  /**
   * In the template, as the REST API's `Body`, while the API definitions and stage method settings of
   * the stack's presets take at most CloudFormation's 1,000,000 bytes; otherwise in an S3 asset.
   */
  public static readonly AUTO = new DefinitionLocation('auto');

  /**
   * Always in the template, as the REST API's `Body`. Synth fails when the template passes
   * 1,000,000 bytes.
   */
  public static readonly TEMPLATE = new DefinitionLocation('template');

  /**
   * Always in an S3 asset (at most 6 MB once its deploy-time values are in place), imported into the
   * REST API by a custom resource with PutRestApi (mode overwrite, failing on warnings). Adds a
   * handler function, its role, its log group and the custom resource to the stack.
   */
  public static readonly ASSET = new DefinitionLocation('asset');

  private constructor(
    /** `auto`, `template` or `asset`. */
    public readonly location: string,
  ) {}
}
