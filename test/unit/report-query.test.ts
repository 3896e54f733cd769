import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../functions/api/http.js';
import { makeHttp } from '../../functions/api/http.js';
import { reportRoutes } from '../../functions/reports/routes.js';
import { claimsOf } from '../../shared/auth/principal.js';
import { makePolicyConfig } from '../../shared/config.js';
import type { Db } from '../../shared/store/client.js';

const policy = makePolicyConfig();
/** A table with nothing in it: every query answers one empty page. */
const emptyDb = {
  tableName: 'empty',
  doc: { send: async () => ({ Items: [], ConsumedCapacity: { CapacityUnits: 0.5 } }) },
} as unknown as Db;

const handler = makeHttp(
  reportRoutes({ db: emptyDb, policy, now: () => new Date('2025-08-05T02:00:00Z') }),
  new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
);

const get = (path: string, query: Record<string, string>) =>
  handler(
    {
      version: '2.0',
      rawPath: path,
      rawQueryString: new URLSearchParams(query).toString(),
      queryStringParameters: query,
      headers: {},
      requestContext: {
        http: { method: 'GET', path },
        requestId: 'test',
        // a city administrator, as the JWT authorizer hands the claims on
        authorizer: { jwt: { claims: claimsOf({ sub: 'test', username: 'test', role: 'cityAdmin' }) } },
      },
      isBase64Encoded: false,
    } as unknown as HttpEvent,
    { awsRequestId: 'test' } as Context,
  );

describe('the report query', () => {
  it('answers an empty city month with every county and zero figures', async () => {
    const result = await get('/api/reports/monthly', { month: '2025-07' });
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(String(result.body));
    expect(body.rows).toHaveLength(7);
    expect(body.total).toMatchObject({ elders: 0, visitRate: { served: 0, met: 0, rate: null } });
    // 7 counties × (elders, contacts, cases, and the visits of January to July)
    expect(body.capacity).toEqual({ units: 7 * 10 * 0.5, queries: 70 });
  });

  it('answers any query string with 200 or a bilingual 400, never 500', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('2025-07', '2025-13', '440703', '999999', 'csv', 'xlsx', 'json', 'pdf', '潮连街道'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('month', 'county', 'township', 'format', 'other'), value),
        fc.constantFrom('/api/reports/monthly', '/api/reports/open-obligations'),
        async (query, path) => {
          const result = await get(path, query);
          expect([200, 400]).toContain(result.statusCode);
          if (result.statusCode === 400) {
            const { errors } = JSON.parse(String(result.body));
            expect(errors.length).toBeGreaterThan(0);
            for (const e of errors) expect(e.message).toMatch(/[\u4e00-\u9fff].* \/ /);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
