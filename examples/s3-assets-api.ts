import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CacheSize, S3ProxyApi } from '../lib';

/**
 * A read-only asset API in front of a bucket the preset creates (public access blocked, encrypted,
 * TLS-only, versioned, logged, retained): `GET` and `HEAD /assets/{key+}` serve the objects under
 * `public/` byte for byte, with byte ranges and conditional requests, and `GET /assets` lists them.
 * Reads are cached for five minutes, one entry per key for every caller: the assets are the same for
 * everyone who may call the API.
 */
export class S3AssetsApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const assets = new S3ProxyApi(this, 'Assets', {
      apiName: 'assets',
      objectsPath: '/assets',
      keyPrefix: 'public/',
      listObjects: true,
      caching: { size: CacheSize.GB_0_5, ttl: Duration.minutes(5) },
      cache: { shared: true },
    });
    // The rule pack that reads the API definition reports a cache shared across IAM callers, one
    // finding per operation, until it is acknowledged.
    for (const method of ['GET', 'HEAD']) {
      Validations.of(assets).acknowledge({
        id: `ApiDefinition-CacheSharedAcrossCallers[${method} /assets/{key+}]`,
        reason: 'The objects under public/ are the same for every caller the API lets in.',
      });
    }
  }
}
