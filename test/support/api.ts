import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { makeApi } from '../../functions/api/all.js';
import type { ApiDeps } from '../../functions/api/routes.js';
import { toEvent } from '../../local/server.js';
import { claimsOf, type Principal } from '../../shared/auth/principal.js';

export interface Reply {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/** A city administrator (every county): the default caller of the test client. */
export const cityAdmin = (username = 'city-test'): Principal => ({
  sub: `sub-${username}`,
  username,
  role: 'cityAdmin',
});

/** A county administrator of one county. */
export const countyAdmin = (county: string, username = `county-${county}`): Principal => ({
  sub: `sub-${username}`,
  username,
  role: 'countyAdmin',
  county,
});

/** A township operator of one township. */
export const townshipOperator = (county: string, township: string, username = `op-${county}`): Principal => ({
  sub: `sub-${username}`,
  username,
  role: 'townshipOperator',
  county,
  township,
});

export type Call = (
  method: string,
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply>;

/** A client calling as one principal (or as nobody), and the same client as another caller. */
export type ApiClient = Call & {
  /** the same API called as this principal; `null`: without any token (no claims) */
  as(principal: Principal | null): ApiClient;
  readonly principal: Principal | null;
};

/**
 * The admin API handler with a quiet logger, called the way API Gateway calls it: the caller's claims
 * at `requestContext.authorizer.jwt.claims`, as the JWT authorizer puts them. By default a city
 * administrator calls; `client.as(countyAdmin('440703'))` calls as someone else, `client.as(null)`
 * without a token.
 */
export function apiClient(deps: ApiDeps, principal: Principal | null = cityAdmin()): ApiClient {
  const handler = makeApi(deps, new Logger({ serviceName: 'test', logLevel: 'SILENT' }));
  let n = 0;
  const make = (caller: Principal | null): ApiClient => {
    const call: Call = async (method, url, body, headers = {}) => {
      const raw =
        body === undefined
          ? Buffer.alloc(0)
          : Buffer.isBuffer(body)
            ? body
            : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const requestId = `test-${++n}`;
      const event = toEvent(
        { method, url, headers: { 'content-type': 'application/json', ...headers } },
        raw,
        requestId,
      );
      if (caller) {
        (event.requestContext as unknown as { authorizer: unknown }).authorizer = {
          jwt: { claims: claimsOf(caller), scopes: [] },
        };
      }
      const result = await handler(event, { awsRequestId: requestId } as Context);
      const text = result.body ?? '';
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: result.statusCode ?? 200, body: parsed, headers: result.headers ?? {} };
    };
    return Object.assign(call, { as: make, principal: caller });
  };
  return make(principal);
}
