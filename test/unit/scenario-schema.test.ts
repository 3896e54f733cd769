import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatScenarioErrors,
  parseScenario,
  type ScenarioInput,
  scenarioJsonSchema,
} from '../../local/simulation/scenario.js';
import { DEFAULT_LIMITS, DEFAULT_PHONE_POLICY } from '../../shared/phone/config.js';

/** Chinese first, then " / ", then English. */
const BILINGUAL = /[\u4e00-\u9fff][^/]* \/ [A-Za-z]/;

/** A small valid scenario with overrides. */
function aScenario(overrides: Record<string, unknown> = {}): ScenarioInput & Record<string, unknown> {
  return {
    start: '2025-07-01T08:00:00+08:00',
    days: 7,
    seed: 1,
    contacts: [{ id: 'contact-1', name: '测试联系人', phone: '13900000001', behaviour: 'ack' }],
    elders: [anElder()],
    ...overrides,
  };
}

function anElder(overrides: Record<string, unknown> = {}) {
  return {
    id: 'elder-1',
    name: '测试老人甲',
    gender: 'female',
    birthDate: '1940-03-15',
    phone: '13800130001',
    address: '江门市蓬江区测试路1号',
    region: { county: '440703', township: '潮连街道', village: '芝山村' },
    living: 'alone',
    contactId: 'contact-1',
    ...overrides,
  } as ScenarioInput['elders'][number];
}

const errorsOf = (input: unknown) => {
  const result = parseScenario(input);
  if (result.ok) throw new Error('expected the scenario to be rejected');
  for (const e of result.errors) expect(e.message, e.path).toMatch(BILINGUAL);
  return result.errors;
};

describe('docs/scenario.schema.json', () => {
  it('is what the zod schema generates today (run `npx tsx local/simulation/write-schema.ts` after a change)', () => {
    const committed = JSON.parse(readFileSync('docs/scenario.schema.json', 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('documents the registration form inside each elder and rejects unknown fields', () => {
    const schema = scenarioJsonSchema() as {
      additionalProperties: unknown;
      required: string[];
      properties: {
        elders: { items: { properties: Record<string, unknown>; additionalProperties: unknown } };
      };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['start', 'days', 'seed', 'elders']);
    const elder = schema.properties.elders.items;
    expect(Object.keys(elder.properties)).toEqual(
      expect.arrayContaining([
        'id',
        'behaviour',
        'name',
        'birthDate',
        'region',
        'emergencyContacts',
        'contactId',
      ]),
    );
    expect(elder.additionalProperties).toBe(false);
  });
});

describe('parseScenario', () => {
  it.each(readdirSync('examples').filter((f) => f.endsWith('.json')))('accepts examples/%s', (file) => {
    const result = parseScenario(JSON.parse(readFileSync(`examples/${file}`, 'utf8')));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('fills in defaults: press-1, no text reply, the plan’s policy and the provider’s limits', () => {
    const result = parseScenario(aScenario());
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors));
    const [e] = result.scenario.elders;
    expect(e?.behaviour).toEqual({ voice: 'press-1', sms: 'no-reply' });
    expect(e?.phone).toBe('+8613800130001');
    expect(result.scenario.config).toEqual({ phonePolicy: DEFAULT_PHONE_POLICY, limits: DEFAULT_LIMITS });
  });

  it('takes a partial phone-visit policy, the rest from the plan', () => {
    const result = parseScenario(aScenario({ config: { phonePolicy: { retry: { maxCalls: 2 } } } }));
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors));
    expect(result.scenario.config.phonePolicy.retry).toEqual({ ...DEFAULT_PHONE_POLICY.retry, maxCalls: 2 });
    expect(result.scenario.config.phonePolicy.windows).toEqual(DEFAULT_PHONE_POLICY.windows);
  });

  it('takes a contact’s home visits: never unless said, reply 1 by default', () => {
    const contact = { id: 'contact-1', name: '测试联系人', phone: '13900000001', behaviour: 'ack' };
    const result = parseScenario(
      aScenario({ contacts: [{ ...contact, homeVisits: { behaviour: 'visit-on-day', day: 3 } }] }),
    );
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors));
    expect(result.scenario.contacts[0]?.homeVisits).toEqual({ behaviour: 'visit-on-day', day: 3, reply: 1 });
    const plain = parseScenario(aScenario());
    expect(plain.ok && plain.scenario.contacts[0]?.homeVisits).toBeUndefined();
    const empty = parseScenario(aScenario({ contacts: [{ ...contact, homeVisits: {} }] }));
    expect(empty.ok && empty.scenario.contacts[0]?.homeVisits).toEqual({ behaviour: 'never', reply: 1 });
  });

  it('rejects bad home visits in both languages, naming where', () => {
    const contact = (homeVisits: unknown) => ({
      id: 'contact-1',
      name: '测试联系人',
      phone: '13900000001',
      behaviour: 'ack',
      homeVisits,
    });
    expect(errorsOf(aScenario({ contacts: [contact({ behaviour: 'sometimes' })] }))).toEqual([
      { path: 'contacts.0.homeVisits.behaviour', message: expect.stringContaining('visit-on-day') },
    ]);
    expect(errorsOf(aScenario({ contacts: [contact({ behaviour: 'never', reply: 4 })] }))).toEqual([
      { path: 'contacts.0.homeVisits.reply', message: expect.stringContaining('reply must be 1, 2 or 3') },
    ]);
    expect(errorsOf(aScenario({ contacts: [contact({ behaviour: 'visit-on-day' })] }))).toEqual([
      { path: 'contacts.0.homeVisits.day', message: expect.stringContaining('needs day') },
    ]);
    expect(errorsOf(aScenario({ contacts: [contact({ behaviour: 'visit-on-day', day: 8 })] }))).toEqual([
      { path: 'contacts.0.homeVisits.day', message: expect.stringContaining('between 1 and') },
    ]);
  });

  it('rejects unknown fields at every level, naming where', () => {
    const errors = errorsOf(
      aScenario({
        extra: 1,
        elders: [anElder({ nickname: '甲', behaviour: { voice: 'press-1', mood: 'happy' } })],
        config: { phonePolicy: { retries: 3 } },
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: '', message: expect.stringContaining('"extra"') },
        { path: 'elders.0', message: expect.stringContaining('"nickname"') },
        { path: 'elders.0.behaviour', message: expect.stringContaining('"mood"') },
        { path: 'config.phonePolicy', message: expect.stringContaining('"retries"') },
      ]),
    );
  });

  it.each([
    ['an unknown keypad behaviour', { voice: 'press-3' }, 'elders.0.behaviour.voice'],
    ['an unknown behaviour in a list', { voice: ['no-answer', 'hang-up'] }, 'elders.0.behaviour.voice'],
    ['an empty list', { voice: [] }, 'elders.0.behaviour.voice'],
    ['an unknown text behaviour', { sms: 'reply-3' }, 'elders.0.behaviour.sms'],
  ])('rejects %s', (_name, behaviour, path) => {
    const errors = errorsOf(aScenario({ elders: [anElder({ behaviour })] }));
    expect(errors.map((e) => e.path)).toEqual([path]);
  });

  it('explains what voice accepts', () => {
    const [error] = errorsOf(aScenario({ elders: [anElder({ behaviour: { voice: 'press-3' } })] }));
    expect(error?.message).toBe(
      '语音行为须为 press-1、press-2、no-answer、busy、answer-silent 之一，或由它们组成的非空列表 / ' +
        'voice must be one of press-1, press-2, no-answer, busy, answer-silent, or a non-empty list of them',
    );
  });

  it.each([
    ['no offset', '2025-07-01T08:00:00'],
    ['a bare date', '2025-07-01'],
    ['no such date', '2025-02-30T08:00:00+08:00'],
    ['not a time', 'next Tuesday'],
  ])('rejects a start with %s', (_name, start) => {
    expect(errorsOf(aScenario({ start }))).toEqual([
      {
        path: 'start',
        message:
          '开始时间须为带时区的 ISO-8601（如 2025-07-01T08:00:00+08:00） / ' +
          'start must be ISO-8601 with an offset (e.g. 2025-07-01T08:00:00+08:00)',
      },
    ]);
  });

  it.each([0, 63, 1.5, '7'])('rejects days = %j', (days) => {
    expect(errorsOf(aScenario({ days })).map((e) => e.path)).toEqual(['days']);
  });

  it('checks each elder with the registration form', () => {
    const errors = errorsOf(
      aScenario({
        elders: [anElder({ phone: '12345', region: { county: '110101', township: 'x', village: 'y' } })],
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual(['elders.0.phone', 'elders.0.region.county']);
  });

  it('rejects a contactId that is not one of the scenario’s contacts', () => {
    expect(errorsOf(aScenario({ elders: [anElder({ contactId: 'nobody' })] }))).toEqual([
      {
        path: 'elders.0.contactId',
        message:
          'contactId 须为本场景 contacts 中的某个 id / contactId must be the id of one of the scenario’s contacts',
      },
    ]);
  });

  it('rejects duplicate ids and numbers, and elders under 60 on the start date', () => {
    const errors = errorsOf(
      aScenario({
        elders: [
          anElder(),
          anElder({ name: '测试老人乙', phone: '13800130001' }),
          anElder({ id: 'elder-3', name: '测试老人丙', phone: '13800130003', birthDate: '1970-01-01' }),
        ],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['elders.1.id', 'elders.1.phone', 'elders.2.birthDate']);
    expect(errors[2]?.message).toContain('未满 60 周岁');
  });

  it('validates the policy with the phone-visit policy schema', () => {
    const errors = errorsOf(aScenario({ config: { phonePolicy: { escalation: { ackMinutes: 1 } } } }));
    expect(errors.map((e) => e.path)).toEqual(['config.phonePolicy.escalation.ackMinutes']);
  });
});

describe('formatScenarioErrors', () => {
  it('puts a bilingual heading over one line per problem', () => {
    expect(
      formatScenarioErrors([
        { path: 'days', message: '太大 / too big' },
        { path: '', message: '未知的键 / unknown key' },
      ]),
    ).toBe(
      '场景文件有误 / The scenario is not valid:\n  days: 太大 / too big\n  (场景 scenario): 未知的键 / unknown key',
    );
  });
});
