import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registrationSchema } from '../../shared/registration/schema.js';
import { apiClient } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

const now = () => new Date('2025-07-01T01:00:00Z');
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
let elderId: string;

async function itemCount(): Promise<number> {
  const out = await db.doc.send(
    new ScanCommand({ TableName: db.tableName, Select: 'COUNT', ConsistentRead: true }),
  );
  return out.Count ?? 0;
}

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
  elderId = (await api('POST', '/api/elders', aRegistration({ age: 75 }))).body.id;
});

const REQUIRED = ['name', 'gender', 'birthDate', 'phone', 'address', 'region', 'living'] as const;
const junk = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 30 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

/** Bodies that can never be a valid registration: each carries at least one certain fault. */
const malformedRegistration = fc
  .oneof(
    // any JSON at all: objects without the required fields, arrays, numbers, strings
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('name' in v)),
    // a valid body with a required field missing
    fc.constantFrom(...REQUIRED).map((field) => {
      const body: Record<string, unknown> = { ...aRegistration() };
      delete body[field];
      return body;
    }),
    // a valid body with a required field replaced by a value of the wrong type
    fc
      .tuple(
        fc.constantFrom(
          'gender',
          'birthDate',
          'living',
          'region',
          'emergencyContacts',
          'disabilityGrade',
          'emptyNest',
        ),
        junk,
      )
      .map(([field, value]) => ({ ...aRegistration(), [field]: value === undefined ? 7 : value }))
      .filter((b) => {
        const v = (b as Record<string, unknown>)[Object.keys(b).at(-1) ?? ''];
        return v !== false; // false is a valid emptyNest
      }),
    // a valid body with an unknown field
    fc
      .tuple(
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter(
            (k) =>
              !(k in aRegistration()) &&
              ![
                'emptyNest',
                'leftBehind',
                'ability',
                'dementia',
                'disabilityGrade',
                'lowIncome',
                'familyPlanningSpecial',
                'caresForDisabledChild',
                'partnerImpaired',
                'language',
                'channel',
                'emergencyContacts',
                'contactId',
                'consent',
                'refusal',
                '__proto__',
              ].includes(k),
          ),
        junk,
      )
      .map(([k, v]) => ({ ...aRegistration(), [k]: v })),
    // text that is not JSON
    fc.string({ maxLength: 40 }).map((s) => `{${s}`),
  )
  .filter((body) => typeof body === 'string' || !registrationSchema.safeParse(body).success);

const malformedVisit = fc.oneof(
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('elderId' in v)),
  fc
    .tuple(fc.constantFrom('visitedAt', 'mode', 'visitors', 'safetyRisks', 'followUpOn'), junk)
    .map(([field, value]) => ({
      elderId: 'x',
      visitedAt: '2025-06-01',
      mode: 'home',
      visitors: ['社工'],
      [field]: typeof value === 'string' ? `${value}!bad` : value,
    })),
);

const malformedPatch = fc.oneof(
  fc
    .jsonValue({ maxDepth: 2 })
    .filter(
      (v) =>
        typeof v !== 'object' ||
        v === null ||
        Array.isArray(v) ||
        Object.keys(v).length === 0 ||
        Object.keys(v).some((k) => !(k in aRegistration())),
    ),
  fc
    .tuple(
      fc.constantFrom('phone', 'birthDate', 'gender', 'region', 'categoryOverride', 'status', 'living'),
      junk,
    )
    .map(([k, v]) => ({ [k]: v })),
);

const RUNS = 1000;
const send = (method: string, path: string) => async (body: unknown) => {
  const reply = await api(method, path, body);
  expect(reply.status, JSON.stringify(reply.body)).toBeGreaterThanOrEqual(400);
  expect(reply.status).toBeLessThan(500);
  expect(Array.isArray(reply.body.errors)).toBe(true);
};

describe('malformed requests get a 4xx and store nothing', () => {
  it(`POST /api/classify: ${RUNS} malformed bodies`, async () => {
    await fc.assert(fc.asyncProperty(malformedRegistration, send('POST', '/api/classify')), {
      numRuns: RUNS,
    });
  });

  it(`POST /api/elders: ${RUNS} malformed bodies, nothing stored`, async () => {
    const before = await itemCount();
    await fc.assert(fc.asyncProperty(malformedRegistration, send('POST', '/api/elders')), { numRuns: RUNS });
    expect(await itemCount()).toBe(before);
  });

  it(`PATCH /api/elders/{id}: ${RUNS} malformed bodies, never a 5xx, category kept`, async () => {
    const before = await itemCount();
    const elderBefore = (await api('GET', `/api/elders/${elderId}`)).body;
    await fc.assert(
      fc.asyncProperty(malformedPatch, async (body) => {
        const reply = await api('PATCH', `/api/elders/${elderId}`, body);
        // a patch that happens to be valid is allowed through; none may fail with 5xx
        expect(reply.status).toBeLessThan(500);
        if (reply.status === 200)
          await api('PATCH', `/api/elders/${elderId}`, { ...elderRestore(elderBefore) });
      }),
      { numRuns: RUNS },
    );
    const elderAfter = (await api('GET', `/api/elders/${elderId}`)).body;
    expect(elderAfter.category).toBe(elderBefore.category);
    expect(await itemCount()).toBeGreaterThanOrEqual(before);
  });

  it(`POST /api/visits: ${RUNS} malformed bodies, nothing stored`, async () => {
    const before = await itemCount();
    await fc.assert(fc.asyncProperty(malformedVisit, send('POST', '/api/visits')), { numRuns: RUNS });
    expect(await itemCount()).toBe(before);
  });

  it(`GET routes: ${RUNS} malformed query strings and ids`, async () => {
    const before = await itemCount();
    const q = fc.string({ maxLength: 20 }).map(encodeURIComponent);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('county', 'category', 'cursor', 'limit', 'month', 'junk'),
        q,
        async (key, value) => {
          for (const path of ['/api/elders', `/api/elders/${elderId}/compliance`]) {
            const reply = await api('GET', `${path}?${key}=${value}`);
            expect(reply.status).toBeLessThan(500);
          }
          const byId = await api('GET', `/api/elders/${value || 'x'}`);
          expect([200, 404]).toContain(byId.status);
        },
      ),
      { numRuns: RUNS },
    );
    expect(await itemCount()).toBe(before);
  });
});

/** The fields a fuzzed PATCH may have changed, back to what they were. */
function elderRestore(elder: Record<string, unknown>) {
  const keys = ['name', 'gender', 'birthDate', 'phone', 'address', 'region', 'living', 'status'];
  return Object.fromEntries(keys.map((k) => [k, elder[k]]));
}
