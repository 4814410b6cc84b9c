import * as net from 'net';
import { Json } from './definition';

/** A request to the API as its resource policy sees it. */
export interface PolicyRequest {
  readonly method: string;
  /** The resource path, e.g. `/orders/1`. */
  readonly path: string;
  /** The request context's condition keys; a key the request lacks is left out. */
  readonly keys: Record<string, string>;
}

/**
 * Evaluates an API Gateway resource policy for one request the way IAM does, for the statements and
 * condition operators the library writes: an explicit Deny wins, then an Allow is needed. A condition on
 * a key the request lacks is false, and true for a negated operator (IAM JSON policy elements: condition
 * operators). `resolve` turns tokens (endpoint ids) into what the request can be compared with.
 */
export function decide(
  policy: Json,
  request: PolicyRequest,
  resolve: (v: unknown) => unknown = (v) => v,
): 'Allow' | 'Deny' {
  const resource = `execute-api:/prod/${request.method}${request.path}`;
  const statements = policy.Statement as Json[];
  const applies = (s: Json): boolean =>
    [s.Resource].flat().some((pattern: string) => glob(pattern).test(resource)) &&
    conditionsHold(s, request, resolve);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) {
    return 'Deny';
  }
  return statements.some((s) => s.Effect === 'Allow' && applies(s)) ? 'Allow' : 'Deny';
}

/** An IAM resource pattern: `*` matches any characters, `/` included. */
function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function conditionsHold(statement: Json, request: PolicyRequest, resolve: (v: unknown) => unknown): boolean {
  return Object.entries((statement.Condition ?? {}) as Json).every(([operator, conditions]) =>
    Object.entries(conditions as Json).every(([key, values]) => {
      const listed = [resolve(values)].flat().map((v) => resolve(v));
      const value = request.keys[key];
      const negated = operator.includes('Not');
      if (value === undefined) {
        return negated;
      }
      let matched: boolean;
      switch (operator) {
        case 'StringEquals':
        case 'StringNotEquals':
        case 'ArnEquals':
        case 'ArnNotEquals':
          matched = listed.some((v) => JSON.stringify(v) === JSON.stringify(value));
          break;
        case 'IpAddress':
        case 'NotIpAddress':
          matched = listed.some((range) => inRange(value, range as string));
          break;
        default:
          throw new Error(`operator ${operator} not simulated`);
      }
      return negated ? !matched : matched;
    }),
  );
}

function inRange(address: string, cidr: string): boolean {
  const [network, prefix] = cidr.split('/');
  const family = net.isIPv6(network) ? 'ipv6' : 'ipv4';
  if ((net.isIPv6(address) ? 'ipv6' : 'ipv4') !== family) {
    return false;
  }
  const list = new net.BlockList();
  list.addSubnet(network, Number(prefix), family);
  return list.check(address, family);
}
