import { Annotations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RouteCacheOptions } from '../traffic/caching';
import { checkPresignedUrlExpiry, LargeObjectOptions, PresignedUrlFunction } from '../storage/large-objects';
import { privateApiAdditions, privateEndpoints } from '../private-network/private-endpoint';
import { createObjectBucket } from '../storage/s3-bucket';
import { s3ProxyOperation, S3ProxyOperations } from '../storage/s3-proxy-operations';
import { WafOptions } from '../security/waf';
import { RestApiPresetProps } from '../gateway/options';
import { PresetAdditions } from '../gateway/preset-shape';
import { RestApiPreset } from '../gateway/rest-api-preset';
import { RouteIntegration } from '../integrations/route-integration';
import { checkKeyPrefix, checkS3Cors } from '../integrations/s3';
import { PresetValidationError } from '../private/errors';
import { isRegulated } from '../compliance/compliance-profile';
import { allowLogDelivery, complianceKey } from '../compliance/regulated';

/**
 * Props of `S3ProxyApi`.
 */
export interface S3ProxyApiProps extends RestApiPresetProps {
  /**
   * The bucket to serve. Give its `encryptionKey` (e.g. `Bucket.fromBucketAttributes`) when it is SSE-KMS
   * encrypted, so the API's role may use the key.
   * @default - a new bucket: all public access blocked, encrypted, TLS-only, versioned, ACLs disabled,
   * server access logs to a log bucket the preset also creates, both retained when the stack is deleted
   */
  readonly bucket?: s3.IBucket;

  /**
   * A KMS key to encrypt the objects of the bucket the preset creates with (SSE-KMS). Not with `bucket`:
   * an existing bucket keeps its own encryption.
   * @default - S3-managed keys (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Serve only the objects under this folder, e.g. `public/`: `GET /objects/a.png` reads `public/a.png`,
   * and the API's roles (and the presigned URLs of `largeObjects`) reach no other key. It ends with `/`:
   * `'public'` fails synth, since it would also reach `public-internal/…`.
   * @default '' (every key of the bucket)
   */
  readonly keyPrefix?: string;

  /**
   * The path objects are served under: `<path>/{key+}`, e.g. `/objects/images/cat.png`. `/` serves them
   * at the root.
   * @default '/objects'
   */
  readonly objectsPath?: string;

  /**
   * Allow uploads: `PUT <objectsPath>/{key+}` stores the request body as the object, with its
   * `Content-Type` (required), `Cache-Control` and `Content-Disposition`. The API's web ACL then counts
   * request bodies over 8 KB instead of blocking them.
   * @default false
   */
  readonly allowPut?: boolean;

  /**
   * Allow deletes: `DELETE <objectsPath>/{key+}`.
   * @default false
   */
  readonly allowDelete?: boolean;

  /**
   * List the objects: `GET <objectsPath>` answers `{ objects, prefixes, cursor }`, taking the query
   * parameters `prefix`, `delimiter`, `limit` and `cursor`.
   * @default false
   */
  readonly listObjects?: boolean;

  /**
   * Cache `GET` and `HEAD` of objects in every stage with a cache cluster, keyed by the key (and the
   * `Range` and conditional headers). With IAM authorization, set `shared: true`.
   * @default - not cached
   */
  readonly cache?: RouteCacheOptions;

  /**
   * Routes that hand out presigned S3 URLs, for objects past API Gateway's 10 MB payload limit: a small
   * Lambda function the preset creates signs them, allowed only what the URLs do.
   * @default - none
   */
  readonly largeObjects?: LargeObjectOptions;

  /**
   * The endpoint type.
   * @default apigw.EndpointType.REGIONAL
   */
  readonly endpointType?: apigw.EndpointType;

  /**
   * Whether clients reach a regional API over IPv4 only or over IPv4 and IPv6 (a private API is always
   * dual-stack).
   * @default apigw.IpAddressType.IPV4
   */
  readonly ipAddressType?: apigw.IpAddressType;

  /**
   * Integration timeouts up to 300 seconds on a regional or private API, after the account's 'Maximum
   * integration timeout in milliseconds' quota is raised in Service Quotas.
   * @default false
   */
  readonly longIntegrationTimeouts?: boolean;

  /**
   * A private API: the VPC to create its execute-api interface endpoint in.
   * @default - none
   */
  readonly vpc?: ec2.IVpc;

  /**
   * A private API: existing execute-api interface endpoints it is reached through.
   * @default - none
   */
  readonly vpcEndpoints?: ec2.IVpcEndpoint[];

  /**
   * A private API: the subnets of the endpoint created in `vpc`.
   * @default - one subnet per Availability Zone, private subnets first
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * A private API: who may connect to the endpoint created in `vpc`, on port 443. Never every address.
   * @default - the VPC's IPv4 CIDR
   */
  readonly allowedPeers?: ec2.IPeer[];

  /**
   * A private API: private DNS on the endpoint created in `vpc` (see `PrivateApi`).
   * @default false
   */
  readonly privateDnsEnabled?: boolean;

  /**
   * Operation ids, summaries, descriptions and tags of the routes the preset adds, in the OpenAPI contract.
   * @default - operation ids getObject, headObject, putObject, deleteObject, listObjects, getDownloadUrl
   * and createUploadUrl, each with a summary
   */
  readonly operations?: S3ProxyOperations;
}

/** Props that only a private API takes. */
const PRIVATE_PROPS = ['vpc', 'vpcEndpoints', 'vpcSubnets', 'allowedPeers', 'privateDnsEnabled'] as const;
const LITERAL_PATH = /^\/$|^(\/[A-Za-z0-9._:,-]+)+$/;

/**
 * A REST API in front of an S3 bucket, with no Lambda function in the data path: `GET` and `HEAD` of
 * `<objectsPath>/{key+}` read objects, byte for byte, with their headers, byte ranges and conditional
 * requests. Uploads, deletes and listing are opt-in. Requests and responses are limited to 10 MB each
 * (API Gateway's payload limit); `largeObjects` adds routes that hand out presigned URLs past it.
 *
 * Regional by default: objects travel between the client and API Gateway's Region once (an edge-optimized
 * endpoint's CloudFront distribution caches nothing of it), your own CloudFront distribution in front of a
 * regional API can cache them, and a regional API can take integrations past 29 seconds for slow
 * uploads. `endpointType` makes it edge-optimized or private.
 *
 * Secure by default like every preset: IAM authorization, a regional web ACL, access and execution logs,
 * X-Ray and throttling; the bucket it creates blocks public access, is encrypted, TLS-only, versioned,
 * logged and retained; the role API Gateway uses may do only what the routes do, on this bucket and prefix.
 */
export class S3ProxyApi extends RestApiPreset {
  /** The bucket served: the one given, or the one the preset created. */
  public readonly bucket: s3.IBucket;

  /** The bucket the created bucket's server access logs go to, when the preset created the bucket. */
  public readonly accessLogsBucket?: s3.Bucket;

  /** The function that signs presigned URLs, with `largeObjects`. */
  public readonly largeObjectsFunction?: lambda.Function;

  constructor(scope: Construct, id: string, props?: S3ProxyApiProps) {
    props = props ?? {};
    const endpointType = props.endpointType ?? apigw.EndpointType.REGIONAL;
    const isPrivate = endpointType === apigw.EndpointType.PRIVATE;
    let bucket = props.bucket;
    let accessLogsBucket: s3.Bucket | undefined;
    super(
      scope,
      id,
      { ...props, waf: wafFor(props) },
      {
        endpointType,
        ipAddressType: isPrivate
          ? apigw.IpAddressType.DUAL_STACK
          : endpointType === apigw.EndpointType.REGIONAL
            ? (props.ipAddressType ?? apigw.IpAddressType.IPV4)
            : undefined,
        wafByDefault: !isPrivate,
        longIntegrationTimeouts: props.longIntegrationTimeouts,
        prepare: (preset) => {
          checkProps(preset, props, endpointType);
          let additions: PresetAdditions = {};
          if (isPrivate) {
            additions = privateApiAdditions(privateEndpoints(preset, props));
          }
          if (!bucket) {
            const regulatedKey = isRegulated(props.compliance) ? complianceKey(preset) : undefined;
            if (regulatedKey) {
              allowLogDelivery(regulatedKey, 'AllowS3ServerAccessLogDelivery', 'logging.s3.amazonaws.com');
            }
            const created = createObjectBucket(preset, {
              encryptionKey: props.encryptionKey ?? regulatedKey,
              accessLogsEncryptionKey: regulatedKey,
              cors:
                props.cors && props.largeObjects
                  ? { options: props.cors, methods: presignedMethods(props) }
                  : undefined,
            });
            bucket = created.bucket;
            accessLogsBucket = created.accessLogsBucket;
          }
          return additions;
        },
      },
    );
    this.bucket = bucket!;
    this.accessLogsBucket = accessLogsBucket;
    // The API exists to serve objects: that every body of it is binary is what it is built for.
    Annotations.of(this).acknowledgeWarning(
      'cdk-apigateway-presets:s3-binary-api',
      'S3ProxyApi serves S3 objects; its own URL function decodes base64 bodies',
    );

    const keyPrefix = props.keyPrefix ?? '';
    const objectsPath = props.objectsPath ?? '/objects';
    const objects = `${objectsPath === '/' ? '' : objectsPath}/{key+}`;
    const object = (allowWrites: boolean): RouteIntegration =>
      RouteIntegration.s3(this.bucket, { keyPrefix, allowWrites, binaryMediaTypes: props.binaryMediaTypes });
    this.addRoute('GET', objects, object(false), {
      cache: props.cache,
      ...s3ProxyOperation(props.operations, 'objectGet'),
    });
    this.addRoute('HEAD', objects, object(false), {
      cache: props.cache,
      ...s3ProxyOperation(props.operations, 'objectHead'),
    });
    if (props.allowPut) {
      this.addRoute('PUT', objects, object(true), s3ProxyOperation(props.operations, 'objectPut'));
    }
    if (props.allowDelete) {
      this.addRoute('DELETE', objects, object(true), s3ProxyOperation(props.operations, 'objectDelete'));
    }
    if (props.listObjects) {
      this.addRoute(
        'GET',
        objectsPath,
        RouteIntegration.s3(this.bucket, { keyPrefix, listObjects: true }),
        s3ProxyOperation(props.operations, 'objectList'),
      );
    }
    if (props.largeObjects) {
      const urls = new PresignedUrlFunction(this, 'LargeObjects', {
        bucket: this.bucket,
        keyPrefix,
        allowUpload: props.allowPut === true,
        expiry: props.largeObjects.expiry,
        allowedOrigins: props.cors?.allowOrigins,
      });
      this.largeObjectsFunction = urls.function;
      const path = `${props.largeObjects.path ?? '/presigned'}/{key+}`;
      const integration = RouteIntegration.lambdaFunction(urls.function);
      this.addRoute('GET', path, integration, {
        responseSchema: PRESIGNED_URL_SCHEMA,
        ...s3ProxyOperation(props.operations, 'presignedGet'),
      });
      if (props.allowPut) {
        // The media type the upload will be sent with, signed into the URL.
        this.addRoute('POST', path, integration, {
          requestParameters: { 'method.request.querystring.contentType': false },
          responseSchema: PRESIGNED_URL_SCHEMA,
          ...s3ProxyOperation(props.operations, 'presignedPost'),
        });
      }
    }
  }
}

/** What the presigned-URL routes answer, for the contract. */
const PRESIGNED_URL_SCHEMA: apigw.JsonSchema = {
  type: apigw.JsonSchemaType.OBJECT,
  required: ['url', 'method', 'headers', 'expiresAt'],
  properties: {
    url: { type: apigw.JsonSchemaType.STRING, description: 'The presigned S3 URL' },
    method: {
      type: apigw.JsonSchemaType.STRING,
      enum: ['GET', 'PUT'],
      description: 'The method to call it with: GET downloads, PUT uploads',
    },
    headers: {
      type: apigw.JsonSchemaType.OBJECT,
      additionalProperties: { type: apigw.JsonSchemaType.STRING },
      description: 'Headers to send with it (an upload signs its Content-Type)',
    },
    expiresAt: { type: apigw.JsonSchemaType.STRING, format: 'date-time' },
  },
};

/** Uploads need bodies past 8 KB, which the core rule set's SizeRestrictions_BODY blocks: it only counts them. */
function wafFor(props: S3ProxyApiProps): WafOptions | undefined {
  // A private API has no web ACL unless one is asked for.
  const webAcl =
    props.waf !== undefined ||
    props.endpointType !== apigw.EndpointType.PRIVATE ||
    isRegulated(props.compliance);
  if (!props.allowPut || !webAcl || props.waf?.enabled === false) {
    return props.waf;
  }
  const counted = props.waf?.countOnlyCommonRules ?? [];
  return {
    ...props.waf,
    countOnlyCommonRules: counted.includes('SizeRestrictions_BODY')
      ? counted
      : [...counted, 'SizeRestrictions_BODY'],
  };
}

function presignedMethods(props: S3ProxyApiProps): s3.HttpMethods[] {
  return props.allowPut
    ? [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.PUT]
    : [s3.HttpMethods.GET, s3.HttpMethods.HEAD];
}

/** Everything the preset's own props must agree on, checked before anything is created. */
function checkProps(scope: Construct, props: S3ProxyApiProps, endpointType: apigw.EndpointType): void {
  if (props.bucket && props.encryptionKey) {
    throw new PresetValidationError(
      scope,
      'encryptionKey',
      'given with bucket',
      'encryptionKey sets the encryption of the bucket the preset creates; an existing bucket keeps its own. Import it with its key (Bucket.fromBucketAttributes({ encryptionKey })) instead.',
    );
  }
  checkKeyPrefix(scope, 'keyPrefix', props.keyPrefix ?? '');
  const objectsPath = props.objectsPath ?? '/objects';
  checkLiteralPath(scope, 'objectsPath', objectsPath);
  if (props.largeObjects) {
    const urls = props.largeObjects.path ?? '/presigned';
    checkLiteralPath(scope, 'largeObjects.path', urls);
    if (urls === objectsPath || urls === '/') {
      throw new PresetValidationError(
        scope,
        'largeObjects.path',
        urls,
        `The URL routes need a path of their own, not the objects' (${objectsPath}) or the root.`,
      );
    }
    checkPresignedUrlExpiry(scope, props.largeObjects.expiry);
  }
  if (props.cors) {
    checkS3Cors(scope, props.cors.allowOrigins.length > 1);
  }
  if (endpointType !== apigw.EndpointType.PRIVATE) {
    const given = PRIVATE_PROPS.filter((name) => props[name] !== undefined);
    if (given.length > 0) {
      throw new PresetValidationError(
        scope,
        given.join(', '),
        `given with endpointType ${endpointType}`,
        'These set up how a private API is reached: use them with endpointType: apigw.EndpointType.PRIVATE.',
      );
    }
  }
  if (props.ipAddressType !== undefined && endpointType !== apigw.EndpointType.REGIONAL) {
    throw new PresetValidationError(
      scope,
      'ipAddressType',
      props.ipAddressType,
      `ipAddressType chooses between IPv4 and dual-stack for a regional API; an ${endpointType === apigw.EndpointType.EDGE ? 'edge-optimized API has none to choose' : 'private API is always dual-stack'}.`,
    );
  }
  if (props.longIntegrationTimeouts && endpointType === apigw.EndpointType.EDGE) {
    throw new PresetValidationError(
      scope,
      'longIntegrationTimeouts',
      true,
      'An edge-optimized API allows integration timeouts up to 29 seconds only; use a regional or private endpoint for longer ones.',
    );
  }
}

function checkLiteralPath(scope: Construct, prop: string, path: string): void {
  if (typeof path !== 'string' || !LITERAL_PATH.test(path)) {
    throw new PresetValidationError(
      scope,
      prop,
      path,
      "A path of literal segments (letters, digits and : . _ - ,), starting with '/' and without a trailing '/', e.g. '/objects'; or '/'.",
    );
  }
}
