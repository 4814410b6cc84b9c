'use strict';
/*
 * Hands out presigned S3 URLs for objects past API Gateway's 10 MB payload limit: API Gateway invokes this
 * function (Lambda proxy integration) for `GET <path>/{key+}` (a URL to download the object) and, when
 * uploads are allowed, `POST <path>/{key+}` (a URL to upload it with PUT). The client then talks to S3
 * directly, with no payload limit but S3's own (5 GB for one PUT).
 *
 * The URL is signed here with AWS Signature Version 4 (query-string authentication, as the Amazon S3 API
 * reference describes it) and the function's own temporary credentials, so the URL can do exactly what the
 * function's role may do, and stops working when those credentials expire, even before its own expiry. No
 * AWS SDK: signing is a few HMACs, and nothing is called over the network.
 *
 * Environment: BUCKET_NAME, BUCKET_REGION, S3_ENDPOINT (e.g. `s3.eu-west-1.amazonaws.com`), KEY_PREFIX, EXPIRES_SECONDS,
 * ALLOW_UPLOAD ('true'), ALLOWED_ORIGINS (JSON array, for CORS; empty for none).
 */

const crypto = require('crypto');

/** S3's limit on a key, in bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

function sha256Hex(data) {
  return crypto.createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key, data) {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else is %XX (uppercase). */
function uriEncode(text, keepSlash) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(char) || (keepSlash && char === '/')) {
      out += char;
    } else {
      out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

/** `20130524T000000Z` and `20130524` for a date. */
function amzDates(now) {
  const iso = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { dateTime: iso, date: iso.slice(0, 8) };
}

/**
 * A presigned URL for one request on one object.
 *
 * @param {{ method: string, bucket: string, key: string, region: string, endpoint: string,
 *   credentials: { accessKeyId: string, secretAccessKey: string, sessionToken?: string },
 *   expiresSeconds: number, now: Date, contentType?: string }} request
 * @returns {{ url: string, headers: Record<string, string> }} the URL, and the headers the client must send
 */
function presign(request) {
  const { method, bucket, key, region, endpoint, credentials, expiresSeconds, now, contentType } = request;
  // Virtual-hosted style, unless the bucket name has dots (its TLS certificate would not match).
  const virtualHosted = !bucket.includes('.');
  const host = virtualHosted ? `${bucket}.${endpoint}` : endpoint;
  const path = (virtualHosted ? '/' : `/${uriEncode(bucket, false)}/`) + uriEncode(key, true);
  const { dateTime, date } = amzDates(now);
  const scope = `${date}/${region}/s3/aws4_request`;
  const headers = contentType ? { 'content-type': contentType, host } : { host };
  const signedHeaders = Object.keys(headers).sort().join(';');
  const query = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': dateTime,
    'X-Amz-Expires': String(expiresSeconds),
    'X-Amz-SignedHeaders': signedHeaders,
  };
  if (credentials.sessionToken) {
    query['X-Amz-Security-Token'] = credentials.sessionToken;
  }
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((name) => `${uriEncode(name, false)}=${uriEncode(query[name], false)}`)
    .join('&');
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((name) => `${name}:${headers[name].trim()}\n`)
    .join('');
  const canonicalRequest = [
    method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', dateTime, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = ['s3', 'aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac('AWS4' + credentials.secretAccessKey, date), region),
  );
  const signature = crypto.createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return {
    url: `https://${host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`,
    headers: contentType ? { 'Content-Type': contentType } : {},
  };
}

/** Why a key cannot be used, or undefined when it can. */
function keyProblem(key, prefix) {
  if (!key) {
    return 'The object key is missing.';
  }
  if (Buffer.byteLength(prefix + key, 'utf8') > MAX_KEY_BYTES) {
    return `An object key is at most ${MAX_KEY_BYTES} bytes.`;
  }
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    return "An object key has no '.' or '..' segments.";
  }
  return undefined;
}

/** A media type the upload must be sent with (`type/subtype`, optional parameters). */
const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=[A-Za-z0-9!#$&^_.+-]+)*$/;

/**
 * @param {Record<string, string | undefined>} env the function's environment
 * @param {() => Date} clock
 */
function makeHandler(env, clock) {
  const origins = env.ALLOWED_ORIGINS ? JSON.parse(env.ALLOWED_ORIGINS) : [];
  const expiresSeconds = Number(env.EXPIRES_SECONDS);
  const prefix = env.KEY_PREFIX || '';

  function answer(event, statusCode, body) {
    const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
    const origin = (event.headers || {}).origin || (event.headers || {}).Origin;
    if (origins.includes('*')) {
      headers['Access-Control-Allow-Origin'] = '*';
    } else if (origin && origins.includes(origin)) {
      headers['Access-Control-Allow-Origin'] = origin;
      headers.Vary = 'Origin';
    }
    return { statusCode, headers, body: JSON.stringify(body) };
  }

  return async (event) => {
    const method = event.httpMethod;
    const upload = method === 'POST';
    if ((method !== 'GET' && !upload) || (upload && env.ALLOW_UPLOAD !== 'true')) {
      return answer(event, 405, { message: 'Method Not Allowed' });
    }
    const key = ((event.pathParameters || {}).key || '').replace(/^\/+/, '');
    const problem = keyProblem(key, prefix);
    if (problem) {
      return answer(event, 400, { message: problem });
    }
    const contentType = upload ? (event.queryStringParameters || {}).contentType : undefined;
    if (contentType !== undefined && !MEDIA_TYPE.test(contentType)) {
      return answer(event, 400, { message: "contentType is a media type such as 'image/png'." });
    }
    const now = clock();
    const signed = presign({
      method: upload ? 'PUT' : 'GET',
      bucket: env.BUCKET_NAME,
      key: prefix + key,
      region: env.BUCKET_REGION,
      endpoint: env.S3_ENDPOINT,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN,
      },
      expiresSeconds,
      now,
      contentType,
    });
    return answer(event, 200, {
      url: signed.url,
      method: upload ? 'PUT' : 'GET',
      headers: signed.headers,
      expiresAt: new Date(now.getTime() + expiresSeconds * 1000).toISOString(),
    });
  };
}

exports.presign = presign;
exports.makeHandler = makeHandler;
exports.handler = (event) => makeHandler(process.env, () => new Date())(event);
