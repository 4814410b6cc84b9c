import { OperationOptions, RouteOptions } from '../gateway/route-options';

/**
 * How the routes `S3ProxyApi` adds read in the OpenAPI contract: their operation ids (SDK method names),
 * summaries, descriptions and tags. An option left out keeps the default.
 */
export interface S3ProxyOperations {
  /**
   * `GET <objectsPath>/{key+}`.
   * @default - { operationId: 'getObject', summary: 'Reads an object' }
   */
  readonly objectGet?: OperationOptions;

  /**
   * `HEAD <objectsPath>/{key+}`.
   * @default - { operationId: 'headObject', summary: "Reads an object's headers" }
   */
  readonly objectHead?: OperationOptions;

  /**
   * `PUT <objectsPath>/{key+}`, with `allowPut`.
   * @default - { operationId: 'putObject', summary: 'Uploads an object' }
   */
  readonly objectPut?: OperationOptions;

  /**
   * `DELETE <objectsPath>/{key+}`, with `allowDelete`.
   * @default - { operationId: 'deleteObject', summary: 'Deletes an object' }
   */
  readonly objectDelete?: OperationOptions;

  /**
   * `GET <objectsPath>`, with `listObjects`.
   * @default - { operationId: 'listObjects', summary: 'Lists objects' }
   */
  readonly objectList?: OperationOptions;

  /**
   * `GET <largeObjects.path>/{key+}`, with `largeObjects`.
   * @default - { operationId: 'getDownloadUrl', summary: 'Hands out a presigned URL that downloads an object' }
   */
  readonly presignedGet?: OperationOptions;

  /**
   * `POST <largeObjects.path>/{key+}`, with `largeObjects` and `allowPut`.
   * @default - { operationId: 'createUploadUrl', summary: 'Hands out a presigned URL that uploads an object' }
   */
  readonly presignedPost?: OperationOptions;
}

const DEFAULT_OPERATIONS: Record<keyof S3ProxyOperations, { operationId: string; summary: string }> = {
  objectGet: { operationId: 'getObject', summary: 'Reads an object' },
  objectHead: { operationId: 'headObject', summary: "Reads an object's headers" },
  objectPut: { operationId: 'putObject', summary: 'Uploads an object' },
  objectDelete: { operationId: 'deleteObject', summary: 'Deletes an object' },
  objectList: { operationId: 'listObjects', summary: 'Lists objects' },
  presignedGet: {
    operationId: 'getDownloadUrl',
    summary: 'Hands out a presigned URL that downloads an object',
  },
  presignedPost: {
    operationId: 'createUploadUrl',
    summary: 'Hands out a presigned URL that uploads an object',
  },
};

/** The contract options of one built-in route of `S3ProxyApi`: the user's, over the defaults. */
export function s3ProxyOperation(
  operations: S3ProxyOperations | undefined,
  name: keyof S3ProxyOperations,
): RouteOptions {
  const given = operations?.[name];
  const defaults = DEFAULT_OPERATIONS[name];
  return {
    operationId: given?.operationId ?? defaults.operationId,
    summary: given?.summary ?? defaults.summary,
    description: given?.description,
    tags: given?.tags,
  };
}
