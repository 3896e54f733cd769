import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { JIANGMEN_COUNTIES } from '../../shared/regions.js';
import { idNumberCheckChar, makeIdNumber, readIdNumber } from '../../shared/registration/id-number.js';
import { maskPhone, toE164 } from '../../shared/registration/phone.js';
import {
  makeRegistrationSchema,
  type RegistrationInput,
  registrationSchema,
} from '../../shared/registration/schema.js';
import { parseOrErrors } from '../../shared/validation.js';
import { aRegistration } from '../support/builders.js';

const CJK = /[\u4e00-\u9fff]/;

/** "中文 / English": Chinese before the first " / ", English (Latin letters, no Chinese) after it. */
function expectBilingual(message: string) {
  const at = message.indexOf(' / ');
  expect(at, `no " / " in ${message}`).toBeGreaterThan(0);
  const zh = message.slice(0, at);
  const en = message.slice(at + 3);
  expect(zh, message).toMatch(CJK);
  expect(en, message).toMatch(/[A-Za-z]{2,}/);
}

function errorsOf(body: unknown, schema = registrationSchema): FieldError[] {
  const result = parseOrErrors(schema, body);
  if (result.ok) throw new Error(`expected errors, parsed: ${JSON.stringify(result.value)}`);
  expect(result.errors.length).toBeGreaterThan(0);
  for (const e of result.errors) expectBilingual(e.message);
  return result.errors;
}

function parsedValue(body: unknown, schema = registrationSchema) {
  const result = parseOrErrors(schema, body);
  if (!result.ok) throw new Error(`expected a value, got: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** The error messages at one path. */
const at = (errors: FieldError[], path: string) =>
  errors.filter((e) => e.path === path).map((e) => e.message);

/** A body without idNumber, with overrides (for date and gender tests the ID would get in the way). */
const noId = (overrides: Partial<RegistrationInput> = {}) => aRegistration({ withId: false, ...overrides });

describe('registration schema: a valid body is normalised', () => {
  it('applies the defaults and keeps the given fields', () => {
    const body = aRegistration({ birthDate: '1950-03-15', gender: 'female' });
    const value = parsedValue(body);
    expect(value).toEqual({
      name: body.name,
      gender: 'female',
      birthDate: '1950-03-15',
      idNumber: body.idNumber,
      phone: `+86${body.phone}`,
      address: body.address,
      region: body.region,
      living: 'withFamily',
      emptyNest: false,
      leftBehind: false,
      ability: 'intact',
      dementia: false,
      lowIncome: false,
      familyPlanningSpecial: false,
      caresForDisabledChild: false,
      partnerImpaired: false,
      language: 'yue',
      channel: 'voice',
      emergencyContacts: [],
      consent: 'accepted',
    });
    expect(value).not.toHaveProperty('disabilityGrade');
    expect(value).not.toHaveProperty('refusal');
    expect(value).not.toHaveProperty('contactId');
  });

  it('without an ID number is valid and has no idNumber', () => {
    expect(parsedValue(noId())).not.toHaveProperty('idNumber');
  });

  it.each([
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['138-0013-8000', '+8613800138000'],
    ['+8613800138000', '+8613800138000'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['0750-3123456', '+867503123456'],
    ['07503123456', '+867503123456'],
    ['(0750) 3123456', '+867503123456'],
    ['020-12345678', '+862012345678'],
    [' 13800138000 ', '+8613800138000'],
  ])('phone %j is stored as %s', (phone, e164) => {
    expect(parsedValue(aRegistration({ phone })).phone).toBe(e164);
    expect(toE164(phone)).toBe(e164);
  });

  it('upper-cases a lower-case x in the ID number and trims it', () => {
    const birthDate = '1949-12-31';
    let seq = 0;
    while (!makeIdNumber('440703', birthDate, seq).endsWith('X')) seq++;
    const id = makeIdNumber('440703', birthDate, seq);
    const gender = seq % 2 === 1 ? 'male' : 'female';
    const value = parsedValue(aRegistration({ birthDate, gender, idNumber: ` ${id.toLowerCase()} ` }));
    expect(value.idNumber).toBe(id);
    expect(value.idNumber).toMatch(/X$/);
  });

  it('the worked example 11010519491231002X reads as a woman born 1949-12-31', () => {
    expect(readIdNumber('11010519491231002X')).toEqual({
      ok: true,
      birthDate: '1949-12-31',
      gender: 'female',
    });
    const value = parsedValue(
      aRegistration({ birthDate: '1949-12-31', gender: 'female', idNumber: '11010519491231002x' }),
    );
    expect(value.idNumber).toBe('11010519491231002X');
  });

  it('sorts emergency contacts children first, keeping the given order among children', () => {
    const value = parsedValue(
      aRegistration({
        emergencyContacts: [
          { name: '邻居甲', relation: 'neighbour', phone: '13900139001' },
          { name: '村委乙', relation: 'committee', phone: '0750-3123456' },
          { name: '儿子丙', relation: 'child', phone: '13900139002' },
          { name: '亲戚丁', relation: 'relative', phone: '13900139003' },
          { name: '女儿戊', relation: 'child', phone: '13900139004' },
        ],
      }),
    );
    const contacts = value.emergencyContacts;
    expect(contacts.map((c) => c.name).slice(0, 2)).toEqual(['儿子丙', '女儿戊']);
    expect(contacts.slice(2).every((c) => c.relation !== 'child')).toBe(true);
    expect(contacts.map((c) => c.name).sort()).toEqual(
      ['亲戚丁', '儿子丙', '女儿戊', '村委乙', '邻居甲'].sort(),
    );
    expect(contacts.find((c) => c.name === '村委乙')?.phone).toBe('+867503123456');
    expect(contacts.find((c) => c.name === '儿子丙')?.phone).toBe('+8613900139002');
  });

  it('trims text fields', () => {
    const value = parsedValue(aRegistration({ name: '  陈阿婆  ', address: ' 江门市蓬江区 ' }));
    expect(value.name).toBe('陈阿婆');
    expect(value.address).toBe('江门市蓬江区');
  });

  it('accepts every Jiangmen county and a county added through makeRegistrationSchema', () => {
    for (const county of Object.keys(JIANGMEN_COUNTIES)) {
      expect(
        parsedValue(aRegistration({ region: { county, township: '某镇', village: '某村' } })).region.county,
      ).toBe(county);
    }
    const wider = makeRegistrationSchema({ ...JIANGMEN_COUNTIES, '440103': { zh: '荔湾区', en: 'Liwan' } });
    const body = aRegistration({ region: { county: '440103', township: '某街道', village: '某社区' } });
    expect(parsedValue(body, wider).region.county).toBe('440103');
    expect(at(errorsOf(body), 'region.county')).toEqual([msg('county.unknown')]);
  });

  it('accepts a refusal with consent refused', () => {
    const refusal = { date: '2025-06-30', note: '本人书面表示不需要探访', recordedBy: '村委李某' };
    const value = parsedValue(aRegistration({ consent: 'refused', refusal }));
    expect(value.consent).toBe('refused');
    expect(value.refusal).toEqual(refusal);
  });

  it('accepts partnerImpaired with couple', () => {
    expect(parsedValue(aRegistration({ living: 'couple', partnerImpaired: true })).partnerImpaired).toBe(
      true,
    );
  });

  it('accepts 29 February of a leap year as a birth date', () => {
    expect(parsedValue(aRegistration({ birthDate: '1944-02-29' })).birthDate).toBe('1944-02-29');
  });
});

describe('registration schema: unknown fields are rejected', () => {
  it('at the top level', () => {
    const errors = errorsOf({ ...aRegistration(), nickname: '阿婆' });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('');
    expect(errors[0]?.message).toContain('nickname');
  });

  it('inside region', () => {
    const body = aRegistration();
    const errors = errorsOf({ ...body, region: { ...body.region, street: '江华路' } });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('region');
    expect(errors[0]?.message).toContain('street');
  });

  it('inside an emergency contact and inside the refusal', () => {
    const contact = { name: '儿子', relation: 'child', phone: '13900139000', note: 'x' };
    expect(
      at(errorsOf(aRegistration({ emergencyContacts: [contact as never] })), 'emergencyContacts.0'),
    ).toHaveLength(1);
    const refusal = { date: '2025-06-30', note: '不需要', recordedBy: '李某', signature: 'yes' };
    expect(
      at(errorsOf(aRegistration({ consent: 'refused', refusal: refusal as never })), 'refusal'),
    ).toHaveLength(1);
  });

  it('fields the server sets are not accepted from the form (category, status)', () => {
    const errors = errorsOf({ ...aRegistration(), category: 'A', status: 'active' });
    expect(errors.map((e) => e.path)).toEqual(['']);
    expect(errors[0]?.message).toContain('category');
    expect(errors[0]?.message).toContain('status');
  });
});

describe('registration schema: ID number', () => {
  const birthDate = '1950-03-15';
  const good = makeIdNumber('440703', birthDate, 21); // sequence 021: odd, male

  it('a correct number for the birth date and gender passes', () => {
    expect(parsedValue(aRegistration({ birthDate, gender: 'male', idNumber: good })).idNumber).toBe(good);
  });

  it('a wrong check digit is rejected', () => {
    const last = good.at(-1);
    const wrong = good.slice(0, 17) + (last === '0' ? '1' : '0');
    const errors = errorsOf(aRegistration({ birthDate, gender: 'male', idNumber: wrong }));
    expect(at(errors, 'idNumber')).toEqual([msg('idNumber.checksum')]);
  });

  it('a changed digit in the body is rejected by the checksum', () => {
    const wrong = `${good.slice(0, 3)}${good[3] === '9' ? '8' : '9'}${good.slice(4)}`;
    expect(at(errorsOf(aRegistration({ birthDate, gender: 'male', idNumber: wrong })), 'idNumber')).toEqual([
      msg('idNumber.checksum'),
    ]);
  });

  it.each([
    ['17 digits', good.slice(0, 17)],
    ['19 digits', `${good}1`],
    ['a letter inside', `${good.slice(0, 5)}A${good.slice(6)}`],
    ['X not last', `X${good.slice(1)}`],
    ['15-digit old number', '440703500315021'],
    ['empty', ''],
  ])('a malformed number (%s) is rejected', (_label, idNumber) => {
    expect(at(errorsOf(aRegistration({ birthDate, gender: 'male', idNumber })), 'idNumber')).toEqual([
      msg('idNumber.format'),
    ]);
  });

  it('a number whose birth date does not exist is rejected even with a right check digit', () => {
    const idNumber = makeIdNumber('440703', '1945-02-29', 21);
    expect(readIdNumber(idNumber)).toEqual({ ok: false, problem: 'birthDate' });
    expect(at(errorsOf(aRegistration({ birthDate, gender: 'male', idNumber })), 'idNumber')).toEqual([
      msg('idNumber.birthDate'),
    ]);
  });

  it('must agree with birthDate', () => {
    const idNumber = makeIdNumber('440703', '1950-03-16', 21);
    expect(at(errorsOf(aRegistration({ birthDate, gender: 'male', idNumber })), 'idNumber')).toEqual([
      msg('idNumber.birthDateMismatch'),
    ]);
  });

  it('must agree with gender (odd 17th digit: male, even: female)', () => {
    expect(at(errorsOf(aRegistration({ birthDate, gender: 'female', idNumber: good })), 'idNumber')).toEqual([
      msg('idNumber.genderMismatch'),
    ]);
    const female = makeIdNumber('440703', birthDate, 20);
    expect(parsedValue(aRegistration({ birthDate, gender: 'female', idNumber: female })).gender).toBe(
      'female',
    );
    expect(at(errorsOf(aRegistration({ birthDate, gender: 'male', idNumber: female })), 'idNumber')).toEqual([
      msg('idNumber.genderMismatch'),
    ]);
  });

  it('reports both mismatches at once', () => {
    const idNumber = makeIdNumber('440703', '1951-01-01', 20);
    expect(at(errorsOf(aRegistration({ birthDate, gender: 'male', idNumber })), 'idNumber').sort()).toEqual(
      [msg('idNumber.birthDateMismatch'), msg('idNumber.genderMismatch')].sort(),
    );
  });

  it('idNumberCheckChar follows GB 11643 (ISO 7064 MOD 11-2)', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    // sum of weights * digits for 44070319500315002: checked by hand against the table "10X98765432"
    const first17 = '44070319500315002';
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = weights.reduce((s, w, i) => s + w * Number(first17[i]), 0);
    expect(idNumberCheckChar(first17)).toBe('10X98765432'[sum % 11]);
  });
});

describe('registration schema: dates', () => {
  it.each([
    ['2023-02-29', 'date.invalid'],
    ['1945-02-29', 'date.invalid'],
    ['2025-13-01', 'date.invalid'],
    ['2025-00-10', 'date.invalid'],
    ['2025-04-31', 'date.invalid'],
    ['1950-01-00', 'date.invalid'],
    ['1950-1-1', 'date.format'],
    ['15/03/1950', 'date.format'],
    ['1950-03-15T00:00:00Z', 'date.format'],
    ['', 'date.format'],
    ['1899-12-31', 'date.tooOld'],
  ] as const)('birthDate %j is rejected (%s)', (birthDate, key) => {
    expect(at(errorsOf(noId({ birthDate })), 'birthDate')).toContain(msg(key));
  });

  it('1900-01-01 is the earliest accepted birth date', () => {
    expect(parsedValue(noId({ birthDate: '1900-01-01' })).birthDate).toBe('1900-01-01');
  });

  it('a number is not a date', () => {
    expect(at(errorsOf(noId({ birthDate: 19500315 as never })), 'birthDate')).toHaveLength(1);
  });
});

describe('registration schema: phone numbers', () => {
  it.each([
    '12345',
    'abc',
    '1380013800',
    '138001380001',
    '+85291234567',
    '+12025550123',
    '400-800-8888',
    '0750-123',
    '',
  ])('%j is not a mainland mobile or landline', (phone) => {
    expect(at(errorsOf(aRegistration({ phone })), 'phone')).toEqual([msg('phone.invalid')]);
    expect(toE164(phone)).toBeUndefined();
  });

  it('a too long value is rejected', () => {
    expect(at(errorsOf(aRegistration({ phone: '1'.repeat(31) })), 'phone')).toHaveLength(1);
  });

  it('an emergency contact phone is checked too', () => {
    const errors = errorsOf(
      aRegistration({ emergencyContacts: [{ name: '儿子', relation: 'child', phone: '123' }] }),
    );
    expect(at(errors, 'emergencyContacts.0.phone')).toEqual([msg('phone.invalid')]);
  });

  it('maskPhone shows the last four digits only', () => {
    expect(maskPhone('+8613800138000')).toBe('***8000');
  });
});

describe('registration schema: other rules', () => {
  it.each(['440100', '440700', '', '44070', 'toString', '__proto__', 'constructor'])(
    'county %j is unknown',
    (county) => {
      const errors = errorsOf(aRegistration({ region: { county, township: '某镇', village: '某村' } }));
      expect(at(errors, 'region.county')).toEqual([msg('county.unknown')]);
    },
  );

  it('consent refused needs the written refusal', () => {
    expect(at(errorsOf(aRegistration({ consent: 'refused' })), 'refusal')).toEqual([msg('refusal.required')]);
  });

  it('a refusal is only allowed with consent refused (explicit or default accepted)', () => {
    const refusal = { date: '2025-06-30', note: '不需要', recordedBy: '李某' };
    expect(at(errorsOf(aRegistration({ consent: 'accepted', refusal })), 'refusal')).toEqual([
      msg('refusal.notRefused'),
    ]);
    expect(at(errorsOf(aRegistration({ refusal })), 'refusal')).toEqual([msg('refusal.notRefused')]);
  });

  it('the refusal needs date, note and recordedBy, each valid', () => {
    const errors = errorsOf(aRegistration({ consent: 'refused', refusal: {} as never }));
    expect(errors.map((e) => e.path).sort()).toEqual(['refusal.date', 'refusal.note', 'refusal.recordedBy']);
    const blank = errorsOf(
      aRegistration({ consent: 'refused', refusal: { date: '2025-02-29', note: '   ', recordedBy: '李某' } }),
    );
    expect(at(blank, 'refusal.date')).toEqual([msg('date.invalid')]);
    expect(at(blank, 'refusal.note')).toEqual([msg('text.required')]);
  });

  it('partnerImpaired only with couple', () => {
    for (const living of ['alone', 'withFamily', 'other'] as const) {
      expect(at(errorsOf(aRegistration({ living, partnerImpaired: true })), 'partnerImpaired')).toEqual([
        msg('partnerImpaired.notCouple'),
      ]);
      expect(parsedValue(aRegistration({ living, partnerImpaired: false })).partnerImpaired).toBe(false);
    }
  });

  it('required text must not be blank', () => {
    expect(at(errorsOf(aRegistration({ name: '   ' })), 'name')).toEqual([msg('text.required')]);
    const body = aRegistration();
    expect(at(errorsOf({ ...body, region: { ...body.region, village: '' } }), 'region.village')).toEqual([
      msg('text.required'),
    ]);
  });

  it.each([
    ['disabilityGrade 0', { disabilityGrade: 0 }, 'disabilityGrade'],
    ['disabilityGrade 5', { disabilityGrade: 5 }, 'disabilityGrade'],
    ['disabilityGrade 1.5', { disabilityGrade: 1.5 }, 'disabilityGrade'],
    ['ability unknown', { ability: 'partial' }, 'ability'],
    ['living unknown', { living: 'nursingHome' }, 'living'],
    ['gender unknown', { gender: 'x' }, 'gender'],
    ['emptyNest a string', { emptyNest: 'yes' }, 'emptyNest'],
    ['language unknown', { language: 'en' }, 'language'],
    ['name too long', { name: '名'.repeat(51) }, 'name'],
  ])('%s is rejected with a bilingual message', (_label, extra, path) => {
    expect(at(errorsOf({ ...noId(), ...extra }), path)).toHaveLength(1);
  });

  it('at most five emergency contacts', () => {
    const contact = { name: '亲戚', relation: 'relative' as const, phone: '13900139000' };
    expect(
      parsedValue(aRegistration({ emergencyContacts: Array(5).fill(contact) })).emergencyContacts,
    ).toHaveLength(5);
    expect(
      at(errorsOf(aRegistration({ emergencyContacts: Array(6).fill(contact) })), 'emergencyContacts'),
    ).toHaveLength(1);
  });

  it('lists the problems of several fields together, each with its path', () => {
    const body = aRegistration();
    const errors = errorsOf({
      ...body,
      name: '',
      phone: '123',
      region: { ...body.region, county: '999999' },
      living: 'x',
    });
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['name', 'phone', 'region.county', 'living']),
    );
  });

  it('a body that is not an object is rejected', () => {
    for (const body of [null, undefined, 42, 'text', [], true]) expect(errorsOf(body)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const isoDateArb = (from: string, to: string) =>
  fc.integer({ min: dayNumber(from), max: dayNumber(to) }).map(isoOfDay);

const idArb = fc.record({
  region: fc.stringMatching(/^\d{6}$/),
  birthDate: fc.oneof(
    isoDateArb('1880-01-01', '2099-12-31'),
    fc.constantFrom('1944-02-29', '2000-02-29', '1880-01-01'),
  ),
  sequence: fc.integer({ min: 0, max: 999 }),
});

const TOP_FIELDS = [
  'name',
  'gender',
  'birthDate',
  'idNumber',
  'phone',
  'address',
  'region',
  'living',
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
  'anything',
];

describe('registration schema: properties', () => {
  it('arbitrary JSON values never throw: ok:false with bilingual errors', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        let result: ReturnType<typeof parseOrErrors<typeof registrationSchema>> | undefined;
        expect(() => {
          result = parseOrErrors(registrationSchema, value);
        }).not.toThrow();
        expect(result?.ok).toBe(false);
        if (result && !result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) {
            expect(typeof e.path).toBe('string');
            expectBilingual(e.message);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a valid body with one field (top level, region or a contact) replaced by any JSON never throws', () => {
    const base = aRegistration({
      emergencyContacts: [{ name: '儿子', relation: 'child', phone: '13900139000' }],
    });
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...TOP_FIELDS,
          'region.county',
          'region.township',
          'region.extra',
          'contact.phone',
          'contact.relation',
        ),
        fc.jsonValue(),
        (field, replacement) => {
          const body: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
          if (field.startsWith('region.'))
            (body.region as Record<string, unknown>)[field.slice(7)] = replacement;
          else if (field.startsWith('contact.'))
            ((body.emergencyContacts as Record<string, unknown>[])[0] as Record<string, unknown>)[
              field.slice(8)
            ] = replacement;
          else body[field] = replacement;
          const result = parseOrErrors(registrationSchema, body);
          if (!result.ok) {
            expect(result.errors.length).toBeGreaterThan(0);
            for (const e of result.errors) expectBilingual(e.message);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every ID number built by makeIdNumber is accepted, with its birth date and gender', () => {
    fc.assert(
      fc.property(idArb, ({ region, birthDate, sequence }) => {
        const id = makeIdNumber(region, birthDate, sequence);
        expect(id).toMatch(/^\d{17}[\dX]$/);
        expect(readIdNumber(id)).toEqual({
          ok: true,
          birthDate,
          gender: sequence % 2 === 1 ? 'male' : 'female',
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('every single-character change of a valid ID number is rejected by the checksum', () => {
    fc.assert(
      fc.property(idArb, ({ region, birthDate, sequence }) => {
        const id = makeIdNumber(region, birthDate, sequence);
        for (let i = 0; i < 18; i++) {
          const alphabet = i === 17 ? '0123456789X' : '0123456789';
          for (const c of alphabet) {
            if (c === id[i]) continue;
            const changed = id.slice(0, i) + c + id.slice(i + 1);
            expect(readIdNumber(changed), changed).toEqual({ ok: false, problem: 'checksum' });
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a body with an ID built from its birth date and gender is accepted; a changed digit is not', () => {
    fc.assert(
      fc.property(
        isoDateArb('1900-01-01', '1965-12-31'),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 16 }),
        (birthDate, sequence, position) => {
          const gender = sequence % 2 === 1 ? 'male' : 'female';
          const idNumber = makeIdNumber('440781', birthDate, sequence);
          expect(parsedValue(aRegistration({ birthDate, gender, idNumber })).idNumber).toBe(idNumber);
          const digit = Number(idNumber[position]);
          const changed =
            idNumber.slice(0, position) + String((digit + 1) % 10) + idNumber.slice(position + 1);
          expect(at(errorsOf(aRegistration({ birthDate, gender, idNumber: changed })), 'idNumber')).toEqual([
            msg('idNumber.checksum'),
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('dialable', () => {
  it('writes numbers the way a contact dials them in mainland China', async () => {
    const { dialable } = await import('../../shared/registration/phone.js');
    expect(dialable('+8613800138000')).toBe('13800138000');
    expect(dialable('+867503123456')).toBe('0750-3123456');
    expect(dialable('+862012345678')).toBe('020-12345678');
  });
});
