import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { CorsOptions, gatewayResponseCorsHeaders } from './cors';

/** The JSON body of API Gateway's own error responses. `messageString` is already a quoted JSON string. */
const GATEWAY_ERROR_TEMPLATE =
  '{"message":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId"}';

/**
 * JSON bodies on API Gateway's own 4XX and 5XX responses (authorizer, throttling, validation and
 * integration failures), with the CORS headers when the API has `cors`, so browsers see the real status.
 */
export function addJsonGatewayResponses(api: apigw.RestApi, cors?: CorsOptions): void {
  const responseHeaders = cors ? gatewayResponseCorsHeaders(cors) : undefined;
  for (const [id, type] of [
    ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
    ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
  ] as const) {
    api.addGatewayResponse(id, {
      type,
      responseHeaders,
      templates: { 'application/json': GATEWAY_ERROR_TEMPLATE },
    });
  }
}
