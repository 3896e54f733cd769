/**
 * The text gate at every write (issue 15, part 2): generated hostile text (controls, bidirectional
 * overrides, zero-width characters, BOMs, lone surrogates, decomposed accents, over-long strings) sent
 * to each boundary. Never a 500, never such a character stored; refusals are bilingual and name the
 * field. Prints how many inputs each boundary accepted (cleaned) and refused.
 */
import { createHmac } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_CAP_SECRET } from '../../shared/campaigns/cap.js';
import { inboundTextSchema } from '../../shared/phone/inbound.js';
import { isCleanText } from '../../shared/text.js';
import { visitRecordSchema } from '../../shared/visits/schema.js';
import { apiClient } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

const RUNS = 1000;
/** a thousand API writes take a minute or more on a busy machine */
const SLOW = { timeout: 600_000 };
const HOSTILE = [
  '\u0000',
  '\u0007',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u061C',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '\r',
  '\t',
];
const FRIENDLY = ['李', '四', '村', '台城', 'a', ' ', 'e\u0301', '😀', '1'];
/** Text with at least one character the gate must remove or refuse; sometimes far too long. */
const hostile = fc
  .tuple(
    fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.constantFrom(...FRIENDLY)), {
      minLength: 1,
      maxLength: 40,
    }),
    fc.constantFrom(0, 0, 0, 600),
  )
  .map(([parts, pad]) => parts.join('') + '长'.repeat(pad))
  .filter((s) => !isCleanText(s, { multiline: true }) || s.length > 500);

const counts: Record<string, { accepted: number; refused: number }> = {};
const count = (boundary: string, ok: boolean) => {
  counts[boundary] ??= { accepted: 0, refused: 0 };
  counts[boundary][ok ? 'accepted' : 'refused']++;
};

/** Every string in the table is stored as the gate leaves it: no hidden character, no lone surrogate. */
async function dirtyStrings(): Promise<string[]> {
  const dirty: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      if (!isCleanText(value, { multiline: true })) dirty.push(`${path}: ${JSON.stringify(value)}`);
    } else if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, `${path}.${i}`);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({ TableName: db.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) walk(item, String(item.pk));
    start = page.LastEvaluatedKey;
  } while (start);
  return dirty;
}

let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
let seq = 0;
const now = () => new Date('2026-07-20T11:00:00+08:00');

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
});

afterAll(() => {
  for (const [boundary, c] of Object.entries(counts))
    console.log(
      `text gate ${boundary}: ${c.accepted + c.refused} hostile inputs, ${c.accepted} cleaned and stored, ${c.refused} refused`,
    );
});

/** A reply to hostile input: never a 500; a refusal is bilingual and names a field. */
function judged(
  boundary: string,
  reply: { status: number; body: { errors?: { path: string; message: string }[] } },
) {
  expect(reply.status).toBeLessThan(500);
  const ok = reply.status < 300;
  if (!ok) {
    expect(reply.status).toBeGreaterThanOrEqual(400);
    const error = reply.body.errors?.[0];
    expect(error?.message).toMatch(/ \/ /);
  }
  count(boundary, ok);
  return ok;
}

describe('the text gate at every write', () => {
  it('elders: name, address, township, village, emergency contact', SLOW, async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.constantFrom('name', 'address', 'township', 'village', 'contact'),
        async (text, field) => {
          const base = aRegistration({ phone: `1380013${String(++seq).padStart(4, '0')}` }) as Record<
            string,
            unknown
          >;
          const region = base.region as Record<string, unknown>;
          const body =
            field === 'township' || field === 'village'
              ? { ...base, region: { ...region, [field]: text } }
              : field === 'contact'
                ? { ...base, emergencyContacts: [{ name: text, relation: 'child', phone: '13800139999' }] }
                : { ...base, [field]: text };
          const reply = await api('POST', '/api/elders', body);
          if (judged('elders', reply) && field === 'name') expect(isCleanText(reply.body.name)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('contacts: name and township', SLOW, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, fc.boolean(), async (text, inName) => {
        const reply = await api('POST', '/api/contacts', {
          name: inName ? text : '测试联系人',
          phone: `1390013${String(++seq).padStart(4, '0')}`,
          role: 'committeeStaff',
          county: '440703',
          township: inName ? '潮连街道' : text,
          supervisors: [],
        });
        judged('contacts', reply);
      }),
      { numRuns: RUNS },
    );
  });

  it('campaigns: title, call script and text', SLOW, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, fc.constantFrom('title', 'script', 'text'), async (text, field) => {
        const reply = await api('POST', '/api/campaigns', {
          title: field === 'title' ? text : '台风关爱',
          kind: 'typhoon',
          target: { counties: ['440781'], categories: ['A'] },
          window: { start: '2026-07-21T08:00:00+08:00', end: '2026-07-22T08:00:00+08:00' },
          cadence: { A: { everyHours: 24 } },
          messages: {
            call: { yue: field === 'script' ? text : '请关好门窗', cmn: '请关好门窗' },
            text: field === 'text' ? text : '【安心】请关好门窗',
          },
        });
        judged('campaigns', reply);
      }),
      { numRuns: RUNS },
    );
  });

  it('CAP alerts: headline and instruction', SLOW, async () => {
    // XML itself forbids C0 controls: those alerts are refused as not well-formed (400), also fine
    const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        const body = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>44078141600000_20260720100000_${++seq}</identifier><sender>台山市气象台</sender><sent>2026-07-20T10:00:00+08:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><language>zh-CN</language><category>Met</category><event>高温</event><urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty><expires>2026-07-22T10:00:00+08:00</expires><headline>${xmlText(text)}</headline><instruction>${xmlText(text)}多喝水</instruction><area><areaDesc>台山市</areaDesc></area></info></alert>`;
        const signature = createHmac('sha256', LOCAL_DEV_CAP_SECRET).update(body).digest('hex');
        const reply = await api('POST', '/api/campaigns/cap', body, {
          'content-type': 'application/xml',
          'x-cap-signature': signature,
        });
        judged('cap', reply);
      }),
      { numRuns: RUNS },
    );
  });

  it('inbound texts and visit records: cleaned at the schema every handler parses with', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const parsed = inboundTextSchema.safeParse({
          originationNumber: '+8613800130001',
          messageBody: text.slice(0, 2000),
          inboundMessageId: 'm-1',
        });
        // an elder's reply is never refused for its characters
        expect(parsed.success).toBe(true);
        if (parsed.success) expect(isCleanText(parsed.data.messageBody, { multiline: true })).toBe(true);
        count('inbound texts', parsed.success);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(hostile, (text) => {
        const parsed = visitRecordSchema.safeParse({
          elderId: 'e-1',
          visitedAt: '2026-07-20T10:00:00+08:00',
          mode: 'home',
          visitors: ['王社工'],
          health: text,
        });
        if (parsed.success) expect(isCleanText(parsed.data.health ?? '', { multiline: true })).toBe(true);
        count('visit records', parsed.success);
      }),
      { numRuns: RUNS },
    );
  });

  it('stored nothing hidden, after all of it', SLOW, async () => {
    expect(await dirtyStrings()).toEqual([]);
  });
});
