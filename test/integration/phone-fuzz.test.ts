import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SNSEvent, SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDispatcher } from '../../functions/dispatcher/batch.js';
import { makeInboundHandler } from '../../functions/sms-inbound/records.js';
import { inboundTextSchema } from '../../shared/phone/inbound.js';
import { dispatchJobSchema } from '../../shared/phone/jobs.js';
import { handleSmaEvent, smaEventSchema } from '../../shared/phone/voice.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

// ---------------------------------------------------------------------------------------------
// Fixtures: real event shapes (test/events/<source>/), cloned for every use

type Json = unknown;
const fixtures = new Map<string, Json>();
function fixture<T = Json>(path: string): T {
  if (!fixtures.has(path))
    fixtures.set(path, JSON.parse(readFileSync(new URL(`../events/${path}`, import.meta.url), 'utf8')));
  return structuredClone(fixtures.get(path)) as T;
}
const SIP_EVENTS = [
  'new-outbound-call',
  'ringing',
  'call-answered',
  'action-successful-digits',
  'action-failed-digits',
  'hangup',
  'new-inbound-call',
].map((name) => `chime/${name}.json`);

let db: Awaited<ReturnType<typeof freshDb>>;
let world: ReturnType<typeof phoneWorld>;

beforeAll(async () => {
  db = await freshDb();
  world = phoneWorld(db, shanghai('2025-07-01T10:00:00'));
});

async function itemCount(filter?: { excludePrefix: string }): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new ScanCommand({
        TableName: db.tableName,
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...(filter
          ? {
              FilterExpression: 'NOT begins_with(pk, :p)',
              ExpressionAttributeValues: { ':p': filter.excludePrefix },
            }
          : {}),
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

// ---------------------------------------------------------------------------------------------
// Generators of malformed input

/** Every path to a value inside a JSON value. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}
function setAt(root: Json, path: (string | number)[], change: 'delete' | { value: Json }): Json {
  if (path.length === 0) return change === 'delete' ? undefined : change.value;
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  if (change === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = change.value;
  return root;
}

const huge = fc.oneof(
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 500, max: 5_000 }).map((n) => '电'.repeat(n)),
  fc.integer({ min: 100, max: 2_000 }).map((n) => '😀'.repeat(n)),
);
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 1e300, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '0', '1', '2', 'NaN', 'Infinity', '1e400', '-1', '__proto__', 'constructor', '{}'),
  huge,
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);
/** The opposite type of a value: a string for a number and the other way round, an object for an array… */
const wrongType = (value: Json): Json =>
  typeof value === 'string'
    ? value.length
    : typeof value === 'number'
      ? String(value)
      : typeof value === 'boolean'
        ? String(value)
        : Array.isArray(value)
          ? { ...value }
          : value === null
            ? 0
            : [value];

/** A real event with 1-3 changes: a field removed, replaced by junk, or given the wrong type. */
const mutated = (paths: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...paths),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'junk', 'wrongType'), junk), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([path, changes]) => {
      let event = fixture(path);
      for (const [pick, kind, value] of changes) {
        const all = pathsOf(event);
        const at = all[pick % all.length] as (string | number)[];
        let current: Json = event;
        for (const k of at) current = (current as Record<string | number, Json>)?.[k];
        event = setAt(
          event,
          at,
          kind === 'delete' ? 'delete' : { value: kind === 'junk' ? value : wrongType(current) },
        );
      }
      return event;
    });

/** What may come back from a SIP media application call: the shape Chime accepts. */
function expectSmaResponse(response: unknown) {
  expect(response).toMatchObject({ SchemaVersion: '1.0', Actions: expect.any(Array) });
  expect((response as { Actions: unknown[] }).Actions.length).toBeLessThanOrEqual(10);
}

// ---------------------------------------------------------------------------------------------

describe('SIP media application events that are garbage', () => {
  const attributes = fc.dictionary(
    fc.constantFrom('purpose', 'ref', 'n', 'answered', 'prompts', 'outcome', 'x'),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('checkIn', 'notify', 'NaN', '1e400', '-3', '0'),
      huge,
    ),
  );
  const garbageSip: fc.Arbitrary<Json> = fc.oneof(
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    { weight: 5, arbitrary: mutated(SIP_EVENTS) },
    // well-formed, of a kind nobody handles
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...SIP_EVENTS), fc.string({ minLength: 1, maxLength: 60 }))
        .map(([path, type]) => ({ ...(fixture(path) as object), InvocationEventType: type })),
    },
    // well-formed, for calls nobody placed, with any transaction attributes
    {
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(...SIP_EVENTS), fc.uuid(), attributes).map(([path, id, attrs]) => {
        const event = fixture<{ CallDetails: Record<string, unknown> }>(path);
        event.CallDetails.TransactionId = id;
        event.CallDetails.TransactionAttributes = attrs;
        return event;
      }),
    },
  );

  it('the fixtures are real events (the mutations start from something valid)', () => {
    for (const path of SIP_EVENTS) expect(smaEventSchema.safeParse(fixture(path)).success, path).toBe(true);
  });

  it('never throws and always answers with { SchemaVersion: "1.0", Actions: [...] } (1,200 events)', async () => {
    await fc.assert(
      fc.asyncProperty(garbageSip, async (event) => {
        expectSmaResponse(await handleSmaEvent(world.deps, event));
      }),
      { numRuns: 1200 },
    );
  });

  it('stores nothing for any of them (1,200 events)', async () => {
    // a ring from a number nobody registered (a missed call) is counted: only the daily counter
    const counted = { excludePrefix: 'STATS#' };
    await fc.assert(
      fc.asyncProperty(garbageSip, async (event) => {
        const before = await itemCount(counted);
        try {
          await handleSmaEvent(world.deps, event);
        } catch {
          // crashing is the other test's business; this one is about what is written
        }
        expect(await itemCount(counted)).toBe(before);
      }),
      { numRuns: 1200 },
    );
    expect(world.network.calls).toHaveLength(0);
    expect(world.queue.sent).toHaveLength(0);
  });

  it('a hang-up for a call nobody placed stores nothing', async () => {
    const before = await itemCount();
    const event = fixture<{ CallDetails: { TransactionId: string; TransactionAttributes?: unknown } }>(
      'chime/hangup.json',
    );
    event.CallDetails.TransactionId = 'f0000000-0000-4000-8000-00000000dead';
    delete event.CallDetails.TransactionAttributes;
    expect(await handleSmaEvent(world.deps, event)).toEqual({ SchemaVersion: '1.0', Actions: [] });
    expect(await itemCount()).toBe(before);
  });

  it('transaction attributes whose attempt number is not a number do not crash the handler', async () => {
    for (const n of ['NaN', 'abc', '1e400', '99999999999999999999']) {
      const event = fixture<{ CallDetails: { TransactionAttributes: Record<string, string> } }>(
        'chime/action-successful-digits.json',
      );
      event.CallDetails.TransactionAttributes.n = n;
      expectSmaResponse(await handleSmaEvent(world.deps, event));
    }
  });
});

describe('inbound SNS events that are garbage', () => {
  const validMessage = fixture<Record<string, unknown>>('sns/inbound-text-message.json');
  const messagePaths = ['sns/inbound-text-message.json'];
  const garbageMessage: fc.Arbitrary<Json> = fc
    .oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      huge,
      junk,
      mutated(messagePaths).map((m) => JSON.stringify(m) ?? ''),
      mutated(messagePaths).map((m) => (JSON.stringify(m) ?? '').slice(0, -1)),
    )
    .filter((m) => {
      try {
        return !inboundTextSchema.safeParse(JSON.parse(String(m))).success;
      } catch {
        return true;
      }
    });
  const withMessage = (message: Json) => {
    const event = fixture<SNSEvent>('sns/inbound-text.json');
    (event.Records[0]?.Sns as unknown as Record<string, Json>).Message = message;
    return event;
  };
  const garbageSns: fc.Arbitrary<Json> = fc.oneof(
    { weight: 4, arbitrary: garbageMessage.map(withMessage) },
    {
      weight: 2,
      arbitrary: fc.array(garbageMessage, { minLength: 1, maxLength: 4 }).map((messages) => {
        const event = withMessage(messages[0]);
        const record = event.Records[0];
        event.Records = messages.map(
          (m) =>
            ({
              ...structuredClone(record),
              Sns: { ...structuredClone(record)?.Sns, Message: m },
            }) as SNSEvent['Records'][number],
        );
        return event;
      }),
    },
    { weight: 2, arbitrary: mutated(['sns/inbound-text.json']) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.record({ Records: junk }) },
    { weight: 1, arbitrary: fc.record({ Records: fc.array(junk, { maxLength: 4 }) }) },
  );

  it('the fixture is a real inbound text', () => {
    expect(inboundTextSchema.safeParse(validMessage).success).toBe(true);
  });

  it('never crash the handler, are each reported malformed, and store nothing (1,200 events)', async () => {
    const inbound = makeInboundHandler(world.deps);
    await fc.assert(
      fc.asyncProperty(garbageSns, async (event) => {
        const before = await itemCount();
        const out = await inbound(event as SNSEvent);
        expect(out.results.every((r) => r === 'malformed')).toBe(true);
        expect(await itemCount()).toBe(before);
      }),
      { numRuns: 1200 },
    );
    expect(world.queue.sent).toHaveLength(0);
    expect(world.network.texts).toHaveLength(0);
  });

  it('well-formed texts from numbers nobody registered are counted and dropped: only the daily counter is written', async () => {
    const inbound = makeInboundHandler(world.deps);
    const before = await itemCount({ excludePrefix: 'STATS#' });
    const stranger = fc.record({
      originationNumber: fc.oneof(
        fc.string({ minLength: 3, maxLength: 40 }),
        fc.integer({ min: 13_000_000_000, max: 19_999_999_999 }).map((n) => `+86${n}`),
      ),
      messageBody: fc.oneof(fc.constantFrom('1', '2', 'TD', '退订', '1234'), fc.string({ maxLength: 100 })),
      inboundMessageId: fc.uuid(),
    });
    await fc.assert(
      fc.asyncProperty(stranger, async (fields) => {
        const out = await inbound(withMessage(JSON.stringify({ ...validMessage, ...fields })));
        expect(out.results).toEqual(['unknownNumber']);
      }),
      { numRuns: 300 },
    );
    expect(await itemCount({ excludePrefix: 'STATS#' })).toBe(before);
    expect(world.queue.sent).toHaveLength(0);
  });
});

describe('dispatch queue messages that are garbage', () => {
  const jobs = fixture<Record<string, Record<string, unknown>>>('sqs/jobs.json');
  const jobBody: fc.Arbitrary<Json> = fc.oneof(
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: huge },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...Object.keys(jobs)),
          fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'junk', 'wrongType', 'extra'), junk), {
            minLength: 1,
            maxLength: 3,
          }),
        )
        .map(([kind, changes]) => {
          let job: Json = structuredClone(jobs[kind]);
          for (const [pick, change, value] of changes) {
            if (change === 'extra') {
              if (job && typeof job === 'object') (job as Record<string, Json>)[`extra${pick}`] = value;
              continue;
            }
            const all = pathsOf(job);
            const at = all[pick % all.length] as (string | number)[];
            let current: Json = job;
            for (const k of at) current = (current as Record<string | number, Json>)?.[k];
            job = setAt(
              job,
              at,
              change === 'delete' ? 'delete' : { value: change === 'junk' ? value : wrongType(current) },
            );
          }
          return JSON.stringify(job) ?? 'undefined';
        }),
    },
    // cut off in the middle
    {
      weight: 1,
      arbitrary: fc.constantFrom(...Object.values(jobs)).map((j) => JSON.stringify(j).slice(0, -2)),
    },
  );
  const malformedBody = jobBody.filter((body) => {
    try {
      return !dispatchJobSchema.safeParse(JSON.parse(String(body))).success;
    } catch {
      return true;
    }
  });

  it('the fixtures are real jobs', () => {
    for (const job of Object.values(jobs)) expect(dispatchJobSchema.safeParse(job).success).toBe(true);
  });

  it('are logged and dropped, never retried, never crash the dispatcher, store and send nothing (1,500 bodies)', async () => {
    const dispatcher = makeDispatcher(world.deps);
    const context = { awsRequestId: 'fuzz', getRemainingTimeInMillis: () => 60_000 } as Context;
    const before = await itemCount();
    const logsBefore = world.logs.length;
    let bodies = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(malformedBody, { minLength: 1, maxLength: 10 }), async (batch) => {
        const event = fixture<SQSEvent>('sqs/dispatch-batch.json');
        const record = event.Records[0] as SQSEvent['Records'][number];
        event.Records = batch.map((body, i) => ({
          ...structuredClone(record),
          messageId: `m-${bodies + i}`,
          body: body as string,
        }));
        bodies += batch.length;
        const out = await dispatcher(event, context);
        expect(out.batchItemFailures).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(bodies).toBeGreaterThanOrEqual(1_000);
    expect(await itemCount()).toBe(before);
    expect(world.network.calls).toHaveLength(0);
    expect(world.network.texts).toHaveLength(0);
    const dropped = world.logs
      .slice(logsBefore)
      .filter((l) => l.includes('dropped a malformed dispatch job'));
    expect(dropped).toHaveLength(bodies);
  });
});
