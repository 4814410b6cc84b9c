import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { IRestApiPreset } from '../gateway/rest-api-preset-interface';
import { PresetValidationError } from '../private/errors';
import { CUSTOM_DOMAIN_ID, DomainOptions, domainUrl } from '../domains/custom-domain';
import {
  checkBasePath,
  checkCertificate,
  checkDomainName,
  checkHostedZone,
  checkIpAddressType,
  endpointName,
  resolveDomainTls,
} from '../domains/domain-checks';
import { createPublicDomain, mapStage } from '../domains/public-domain';

/**
 * Props of `ApiDomain`.
 */
export interface ApiDomainProps extends DomainOptions {
  /**
   * The domain's endpoint type: EDGE or REGIONAL, the type of the APIs mapped on it. (A private API
   * gets its private domain through its own `customDomain`.)
   * @default apigw.EndpointType.REGIONAL
   */
  readonly endpointType?: apigw.EndpointType;
}

/**
 * Options of one API mapped on an `ApiDomain`.
 */
export interface ApiDomainMappingOptions {
  /**
   * The stage of the API that the base path serves.
   * @default - the API's first stage
   */
  readonly stageName?: string;
}

/**
 * One custom domain shared by several APIs or stages, each under its own base path: `/v1` to one
 * preset, `/v2` to another, `/beta` to a third one's `dev` stage. Use it for versioning; an API
 * mapped here does not also get its own `customDomain`.
 *
 * The domain gets TLS 1.2 at least and, with a hosted zone, its alias records. Give each mapped preset
 * `disableExecuteApiEndpoint: true` so clients cannot go around the domain; `addApi` leaves the warning
 * `cdk-apigateway-presets:execute-api-endpoint-open` on a preset that keeps its default endpoint.
 */
export class ApiDomain extends Construct {
  /** The custom domain name (the escape hatch). */
  public readonly domain: apigw.DomainName;

  /** The domain's endpoint type. */
  public readonly endpointType: apigw.EndpointType;

  /** The URL of the domain's root, `https://<domainName>/`. */
  public readonly url: string;

  private readonly domainName: string;
  private readonly basePaths = new Set<string>();

  constructor(scope: Construct, id: string, props: ApiDomainProps) {
    super(scope, id);
    const endpointType = props.endpointType ?? apigw.EndpointType.REGIONAL;
    if (endpointType !== apigw.EndpointType.EDGE && endpointType !== apigw.EndpointType.REGIONAL) {
      throw new PresetValidationError(
        this,
        'endpointType',
        endpointType,
        "An ApiDomain is EDGE or REGIONAL; a private API gets its private custom domain through the preset's own customDomain.",
      );
    }
    checkDomainName(this, 'domainName', props.domainName, { wildcard: true });
    checkCertificate(this, 'certificate', props.certificate, endpointType);
    const tls = resolveDomainTls(this, '', endpointType, props.securityPolicy, props.endpointAccessMode);
    const ipAddressType = checkIpAddressType(this, '', endpointType, props.ipAddressType);
    if (props.hostedZone) {
      checkHostedZone(this, 'hostedZone', props.hostedZone, props.domainName, endpointType);
    }

    this.endpointType = endpointType;
    this.domainName = props.domainName;
    this.url = domainUrl(props.domainName);
    this.domain = createPublicDomain(this, 'Domain', {
      domainName: props.domainName,
      certificate: props.certificate,
      endpointType,
      tls,
      ipAddressType,
      hostedZone: props.hostedZone,
    });
  }

  /**
   * Maps a base path of the domain to an API's stage.
   *
   * @param basePath what callers put after the domain, e.g. `v1` (several levels, `orders/v1`, on a
   * regional domain only); `''` maps the domain's root, which serves every request no other base path matches
   * @param api an EdgeApi or RegionalApi of the domain's endpoint type, without its own `customDomain`
   * @param options the stage to map
   * @returns the URL of the API on the domain, e.g. `https://api.example.com/v1/`
   */
  public addApi(basePath: string, api: IRestApiPreset, options: ApiDomainMappingOptions = {}): string {
    const root = basePath === '';
    const multiLevel = !root && checkBasePath(this, 'basePath', basePath, this.endpointType).multiLevel;
    if (this.basePaths.has(basePath)) {
      throw new PresetValidationError(
        this,
        'basePath',
        basePath,
        `${this.domainName} already maps ${root ? 'its root' : 'this base path'}; each base path serves one stage.`,
      );
    }
    if (api.node.tryFindChild(CUSTOM_DOMAIN_ID) !== undefined) {
      throw new PresetValidationError(
        this,
        'api',
        api.node.path,
        'This API has its own customDomain; map it either there or on a shared ApiDomain, not both.',
      );
    }
    const apiEndpointType = endpointTypeOf(api);
    if (apiEndpointType !== undefined && apiEndpointType !== this.endpointType) {
      throw new PresetValidationError(
        this,
        'api',
        api.node.path,
        `This ${endpointName(this.endpointType)} domain maps ${endpointName(this.endpointType)} APIs; this API is ` +
          `${endpointName(apiEndpointType)}. Give the domain the API's endpoint type, or use one domain per type.`,
      );
    }
    const stage = options.stageName === undefined ? api.stages[0] : api.stage(options.stageName);

    this.basePaths.add(basePath);
    mapStage(
      this.domain,
      `Mapping.${root ? '(root)' : basePath.replace(/\//g, '.')}`,
      api.restApi,
      stage,
      root ? undefined : basePath,
      multiLevel,
    );
    const cfnRestApi = api.restApi.node.defaultChild as apigw.CfnRestApi;
    if (Stack.of(api).resolve(cfnRestApi.disableExecuteApiEndpoint) !== true) {
      Annotations.of(api).addWarningV2(
        'cdk-apigateway-presets:execute-api-endpoint-open',
        `${api.node.path} is mapped on ${this.domainName}${root ? '' : `/${basePath}`}, but its default execute-api ` +
          'endpoint stays reachable: a preset disables it only for its own customDomain. Clients that call the ' +
          'default endpoint skip the domain and its TLS policy. Give the preset disableExecuteApiEndpoint: true.',
      );
    }
    return domainUrl(this.domainName, root ? undefined : basePath);
  }
}

/** The endpoint type of a preset's API, when known at synth. */
function endpointTypeOf(api: IRestApiPreset): apigw.EndpointType | undefined {
  const cfnRestApi = api.restApi.node.defaultChild as apigw.CfnRestApi;
  const configuration = Stack.of(api).resolve(cfnRestApi.endpointConfiguration) as
    { types?: string[] } | undefined;
  const type = configuration?.types?.[0];
  return type === undefined || Token.isUnresolved(type) ? undefined : (type as apigw.EndpointType);
}
