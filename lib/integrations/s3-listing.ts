import { OpenApiObject } from '../private/openapi';

/*
 * The listing route's mapping templates: ListObjectsV2 asked with the route's prefix and cursor, and S3's
 * XML answer written as JSON, with its schema for the contract.
 */

/** The key prefix of a listing: the route's prefix, then its path variables as folders. */
export function listRoot(keyPrefix: string, pathVariables: string[]): string {
  return keyPrefix + pathVariables.map((v) => `$input.params().path.get('${v}')/`).join('');
}

/**
 * The listing's request template: it sends S3 the prefix (the route's root, then the caller's `prefix`)
 * and the caller's `cursor` as the continuation token, and writes no body.
 */
export function listRequestTemplate(root: string): string {
  return [
    '#set($q = $input.params().querystring)',
    `#set($context.requestOverride.querystring.prefix = "${root}$!q.get('prefix')")`,
    `#set($cursor = "$!q.get('cursor')")`,
    '#if($cursor != "")#set($context.requestOverride.querystring.continuation-token = $cursor)#end',
  ].join('');
}

/** A value between `<tag>` and `</tag>` in `$source`, into `$target` (Velocity has no arithmetic in arguments). */
function xmlValue(source: string, tag: string, target: string): string {
  return (
    `#set($from = $${source}.indexOf('<${tag}>') + ${tag.length + 2})` +
    `#set($to = $${source}.indexOf('</${tag}>'))` +
    `#set($${target} = $${source}.substring($from, $to))`
  );
}

/** `$value` as the text of a JSON string: JavaScript escaping, and `\'` (not JSON) back to `'`. */
const JSON_TEXT = (value: string): string => `$util.escapeJavaScript(${value}).replaceAll("\\\\'","'")`;

/** The JSON Schema of what `listResponseTemplate` writes. */
export const LISTING_SCHEMA: OpenApiObject = {
  type: 'object',
  required: ['objects', 'prefixes', 'cursor'],
  properties: {
    objects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'size', 'lastModified', 'etag'],
        properties: {
          key: { type: 'string', description: "The object's key under the listed prefix" },
          size: { type: 'integer', description: 'Bytes' },
          lastModified: { type: 'string', format: 'date-time' },
          etag: { type: 'string' },
        },
      },
    },
    prefixes: {
      type: 'array',
      items: { type: 'string' },
      description: "The folders under the listed prefix, with a delimiter ('/')",
    },
    cursor: {
      type: 'string',
      nullable: true,
      description: 'Pass as ?cursor= for the next page; null on the last page',
    },
  },
};

/**
 * The listing's response template: S3's ListObjectsV2 XML (base64 when binary to the API) as JSON,
 * `{"objects":[{"key","size","lastModified","etag"}],"prefixes":[...],"cursor":...}`, with keys relative to
 * the route's root and nothing of S3's own (no bucket name, no owner, no request id).
 */
export function listResponseTemplate(root: string): string {
  return [
    '#set($raw = $input.body)',
    '#if($raw.startsWith("<"))#set($xml = $raw)#{else}#set($xml = $util.base64Decode($raw))#end',
    `#set($root = "${root}")`,
    '#set($skip = $root.length())',
    '{"objects":[',
    "#foreach($part in $xml.split('<Contents>'))#if($foreach.index > 0)#if($foreach.index > 1),#end",
    xmlValue('part', 'Key', 'key'),
    '#set($key = $util.urlDecode($key).substring($skip))',
    xmlValue('part', 'Size', 'size'),
    xmlValue('part', 'LastModified', 'modified'),
    xmlValue('part', 'ETag', 'etag'),
    "#set($etag = $etag.replace('&quot;', '').replace('\"', ''))",
    `{"key":"${JSON_TEXT('$key')}","size":$size,"lastModified":"${JSON_TEXT('$modified')}","etag":"${JSON_TEXT('$etag')}"}`,
    '#end#end],"prefixes":[',
    "#foreach($part in $xml.split('<CommonPrefixes>'))#if($foreach.index > 0)#if($foreach.index > 1),#end",
    xmlValue('part', 'Prefix', 'prefix'),
    '#set($prefix = $util.urlDecode($prefix).substring($skip))',
    `"${JSON_TEXT('$prefix')}"`,
    '#end#end],"cursor":',
    "#if($xml.contains('<NextContinuationToken>'))",
    xmlValue('xml', 'NextContinuationToken', 'cursor'),
    `"${JSON_TEXT('$cursor')}"`,
    '#{else}null#end}',
  ].join('');
}
