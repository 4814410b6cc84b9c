import { EventEmitter } from 'events';

/** The request `https.request` returns, as the handlers use it. */
export interface FakeRequest extends EventEmitter {
  end(body: string): void;
  setTimeout(ms: number, onTimeout: () => void): void;
  destroy(err: Error): void;
}

/** The response `https.request` passes to its callback, as the handlers use it. */
export interface FakeResponse extends EventEmitter {
  statusCode: number;
  resume(): void;
}

/** The options the handlers pass to `https.request`. */
export interface RequestOptions {
  readonly hostname: string;
  readonly port?: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string | number>;
}

/** `https.request` as the handlers call it. */
export type RequestFn = (options: RequestOptions, onResponse: (res: FakeResponse) => void) => FakeRequest;

/** A stand-in for `https.request`: records each request and answers with the next status or error. */
export function fakeRequest(outcomes: (number | Error)[]): {
  request: RequestFn;
  sent: { options: RequestOptions; body: string }[];
} {
  const sent: { options: RequestOptions; body: string }[] = [];
  const request: RequestFn = (options, onResponse) => {
    const req = new EventEmitter() as FakeRequest;
    req.setTimeout = () => undefined;
    req.destroy = (err: Error) => {
      req.emit('error', err);
    };
    req.end = (body: string) => {
      sent.push({ options, body });
      const outcome = outcomes.shift() ?? 200;
      setImmediate(() => {
        if (outcome instanceof Error) {
          req.emit('error', outcome);
          return;
        }
        const res = new EventEmitter() as FakeResponse;
        res.statusCode = outcome;
        res.resume = () => setImmediate(() => res.emit('end'));
        onResponse(res);
      });
    };
    return req;
  };
  return { request, sent };
}
