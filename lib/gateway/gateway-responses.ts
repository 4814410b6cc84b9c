import { OpenApiObject } from '../private/openapi';
import { CorsOptions, gatewayResponseCorsHeaders } from '../cors/cors';

/** The JSON body of API Gateway's own error responses. `messageString` is already a quoted JSON string. */
const GATEWAY_ERROR_TEMPLATE =
  '{"message":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId"}';

/**
 * The definition's gateway responses: JSON bodies on API Gateway's own 4XX and 5XX responses
 * (authorizer, throttling, validation and integration failures), with the CORS headers when the API has
 * `cors`, so browsers see the real status.
 */
export function gatewayResponses(cors?: CorsOptions): OpenApiObject {
  const headers = cors ? gatewayResponseCorsHeaders(cors) : {};
  const response: OpenApiObject = {
    ...(Object.keys(headers).length > 0
      ? {
          responseParameters: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [`gatewayresponse.header.${name}`, value]),
          ),
        }
      : {}),
    responseTemplates: { 'application/json': GATEWAY_ERROR_TEMPLATE },
  };
  return { DEFAULT_4XX: response, DEFAULT_5XX: response };
}
