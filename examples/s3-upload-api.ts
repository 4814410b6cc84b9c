import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { S3ProxyApi } from '../lib';

/**
 * An upload API whose objects are encrypted with a customer-managed KMS key. `PUT /uploads/{key+}`
 * stores an object of up to 10 MB through API Gateway (its payload limit) and `DELETE` removes one.
 * Past 10 MB, `POST /presigned/{key+}` answers a presigned S3 URL to `PUT` the object to S3 directly
 * (up to 5 GB), and `GET /presigned/{key+}` one to download it; both expire after 15 minutes.
 */
export class S3UploadApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const key = new kms.Key(this, 'UploadsKey', {
      description: 'Encrypts the objects of the uploads API',
      enableKeyRotation: true,
    });
    const api = new S3ProxyApi(this, 'Uploads', {
      apiName: 'uploads',
      objectsPath: '/uploads',
      encryptionKey: key,
      allowPut: true,
      allowDelete: true,
      largeObjects: { expiry: Duration.minutes(15) },
    });
    Annotations.of(api).acknowledgeWarning(
      'cdk-apigateway-presets:waf-rules-count-only',
      'Uploads send bodies of up to 10 MB; only the body-size rule counts instead of blocking',
    );
  }
}
