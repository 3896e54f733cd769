import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Absence,
  countAbsencesInMonth,
  declareAbsence,
  endAbsence,
  isAway,
  resumeAt,
} from '../../shared/absences/absence.js';
import { numeralValue, parseAbsenceText } from '../../shared/absences/parse.js';
import { parseVisitReply } from '../../shared/homevisits/codes.js';
import { addDaysIso } from '../../shared/time.js';

const TODAY = '2025-12-15';

/** Chinese numerals as people write them (3 → 三, 14 → 十四, 20 → 二十, 2 → 两 or 二). */
function chinese(n: number, two: '两' | '二' = '两'): string {
  const d = ['零', '一', two, '三', '四', '五', '六', '七', '八', '九'];
  if (n < 10) return d[n] as string;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : (['', '一', '二', '三', '四', '五', '六', '七', '八', '九'][tens] as string)}十${ones ? (['', '一', '二', '三', '四', '五', '六', '七', '八', '九'][ones] as string) : ''}`;
}
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('texts that declare an absence (today 2025-12-15, Asia/Shanghai)', () => {
  it.each<[string, unknown]>([
    // an elder's own texts
    ['外出3天', { kind: 'away', reason: 'away', until: '2025-12-18', days: 3 }],
    ['出门三天', { kind: 'away', reason: 'away', until: '2025-12-18' }],
    ['去女儿家住一周', { kind: 'away', reason: 'away', until: '2025-12-22', days: 7 }],
    ['我去女儿家住半个月', { kind: 'away', until: '2025-12-30' }],
    ['去儿子那里住两个星期', { kind: 'away', until: '2025-12-29', days: 14 }],
    ['住院到12月20日', { kind: 'away', reason: 'hospital', until: '2025-12-20' }],
    ['住院 20号出院', { kind: 'away', reason: 'hospital', until: '2025-12-20' }],
    ['住院十天', { kind: 'away', reason: 'hospital', until: '2025-12-25' }],
    ['住院', { kind: 'away', reason: 'hospital' }],
    ['外出', { kind: 'away', reason: 'away' }],
    ['去女儿家到12-20', { kind: 'away', until: '2025-12-20' }],
    ['２０号回来，去儿子家', { kind: 'away', until: '2025-12-20' }],
    ['回老家过年，1月5号回', { kind: 'away', until: '2026-01-05' }],
    ['外出到2026年1月5日', { kind: 'away', until: '2026-01-05' }],
    ['去广州旅游3天', { kind: 'away', until: '2025-12-18' }],
    ['明天回来，今天去女儿家', { kind: 'away', until: '2025-12-16' }],
    ['外出廿天', { kind: 'away', until: '2026-01-04' }],
    // a day of the month already past is next month's; a month-day already past next year's
    ['住院到10号', { kind: 'away', until: '2026-01-10' }],
    ['外出到3月1日', { kind: 'away', until: '2026-03-01' }],
    // a contact's texts, the elder named by the home-visit code
    ['12 外出两个星期', { kind: 'away', code: '12', until: '2025-12-29' }],
    ['12外出3天', { kind: 'away', code: '12', until: '2025-12-18' }],
    ['１２　外出３天', { kind: 'away', code: '12', until: '2025-12-18' }],
    ['105 住院一周', { kind: 'away', code: '105', reason: 'hospital', until: '2025-12-22' }],
    // back home
    ['回来了', { kind: 'back' }],
    ['已出院', { kind: 'back' }],
    ['12 已回家', { kind: 'back', code: '12' }],
  ])('%s', (text, want) => {
    expect(parseAbsenceText(text, TODAY)).toMatchObject(want as object);
  });

  it.each(['1', '2', '好', '平安', '12 1', '12 3', '1234', '我很好', '出门买菜', '去医院看病', '', 'TD'])(
    '%s is not about an absence',
    (text) => {
      expect(parseAbsenceText(text, TODAY)).toBeUndefined();
    },
  );

  it('2月30日 names no date: the absence has no end and the sender is asked for one', () => {
    expect(parseAbsenceText('外出到2月30日', TODAY)).toMatchObject({ kind: 'away' });
    expect(parseAbsenceText('外出到2月30日', TODAY)).not.toHaveProperty('until');
  });

  it('reads N days in digits, full-width digits and Chinese numerals alike, from any date', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDaysIso('2024-01-01', n));
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 1, max: 92 }),
        fc.constantFrom('外出', '出门', '去女儿家住', '住院'),
        fc.constantFrom('digits', 'fullWidth', 'chinese', 'chinese2') as fc.Arbitrary<string>,
        (today, n, word, style) => {
          const number =
            style === 'digits'
              ? String(n)
              : style === 'fullWidth'
                ? fullWidth(String(n))
                : chinese(n, style === 'chinese' ? '两' : '二');
          const parsed = parseAbsenceText(`${word}${number}天`, today);
          expect(parsed).toMatchObject({ kind: 'away', until: addDaysIso(today, n) });
        },
      ),
    );
  });

  it('reads a month and day as the next such date on or after today', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }).map((n) => addDaysIso('2024-01-01', n)),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom('月日', '-', '/'),
        (today, ahead, form) => {
          const target = addDaysIso(today, ahead);
          const [, m, d] = target.split('-').map(Number) as [number, number, number];
          const text = form === '月日' ? `住院到${m}月${d}日` : `住院到${m}${form}${d}`;
          expect(parseAbsenceText(text, today)).toMatchObject({ reason: 'hospital', until: target });
        },
      ),
    );
  });

  it('never throws, and never takes a visit-code reply or a check-in reply for an absence', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        parseAbsenceText(s, TODAY);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 999 }), fc.constantFrom('1', '2', '3'), (code, answer) => {
        const text = `${code} ${answer}`;
        expect(parseVisitReply(text)).toBeDefined();
        expect(parseAbsenceText(text, TODAY)).toBeUndefined();
      }),
    );
  });

  it('reads Chinese numerals', () => {
    expect([numeralValue('十'), numeralValue('十五'), numeralValue('二十'), numeralValue('廿三')]).toEqual([
      10, 15, 20, 23,
    ]);
    expect(numeralValue('一百零五')).toBe(105);
    expect(numeralValue('abc')).toBeUndefined();
  });
});

const absence = (over: Partial<Absence>): Absence => ({
  id: 'a1',
  elderId: 'e1',
  county: '440703',
  township: '潮连街道',
  village: '芝山村',
  from: '2025-12-18',
  until: '2025-12-21',
  reason: 'away',
  declaredBy: { who: 'elder', via: 'text' },
  declaredAt: '2025-12-17T02:00:00.000Z',
  ...over,
});
const at = (local: string) => new Date(`${local}+08:00`);

describe('isAway and resumeAt', () => {
  it('are away from the first day 00:00 to the date back 00:00, Asia/Shanghai', () => {
    const a = [absence({})];
    expect(isAway(a, at('2025-12-17T23:59:59'))).toBe(false);
    expect(isAway(a, at('2025-12-18T00:00:00'))).toBe(true);
    expect(isAway(a, at('2025-12-20T23:59:59'))).toBe(true);
    expect(isAway(a, at('2025-12-21T00:00:00'))).toBe(false);
    expect(resumeAt(a, at('2025-12-19T10:00:00'))?.toISOString()).toBe('2025-12-20T16:00:00.000Z');
    expect(resumeAt(a, at('2025-12-22T10:00:00'))).toBeUndefined();
  });

  it('end when ended early, and follow absences that chain', () => {
    const ended = endAbsence(absence({}), 'contact:c1', at('2025-12-19T15:00:00'));
    expect(isAway([ended], at('2025-12-19T16:00:00'))).toBe(false);
    expect(endAbsence(ended, 'x', at('2025-12-20T00:00:00'))).toBe(ended);
    const chain = [
      absence({}),
      absence({ id: 'a2', from: '2025-12-20', until: '2025-12-30', reason: 'hospital' }),
    ];
    expect(resumeAt(chain, at('2025-12-18T08:00:00'))?.toISOString()).toBe('2025-12-29T16:00:00.000Z');
  });

  it('agree with each other for any absences and instant', () => {
    const arb = fc.array(
      fc.record({ start: fc.integer({ min: 0, max: 60 }), length: fc.integer({ min: 1, max: 20 }) }),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: -5 * 24, max: 90 * 24 }), (spans, hours) => {
        const list = spans.map((s, i) =>
          absence({
            id: `a${i}`,
            from: addDaysIso('2025-12-01', s.start),
            until: addDaysIso('2025-12-01', s.start + s.length),
          }),
        );
        const now = new Date(at('2025-12-01T00:00:00').getTime() + hours * 3_600_000);
        const back = resumeAt(list, now);
        expect(back !== undefined).toBe(isAway(list, now));
        if (back) {
          expect(back.getTime()).toBeGreaterThan(now.getTime());
          expect(isAway(list, back)).toBe(false);
          // away at every hour until then
          for (let t = now.getTime(); t < back.getTime(); t += 3_600_000)
            expect(isAway(list, new Date(t))).toBe(true);
        }
      }),
    );
  });
});

describe('declaring an absence', () => {
  const elder = { id: 'e1', region: { county: '440703', township: '潮连街道', village: '芝山村' } };
  const base = {
    id: 'x',
    elder,
    who: 'staff' as const,
    via: 'console' as const,
    today: TODAY,
    now: at('2025-12-15T09:00:00'),
  };
  it('starts today unless told, and refuses a date back in the past or over 92 days away', () => {
    expect(declareAbsence({ ...base, input: { until: '2025-12-18', reason: 'away' } })).toMatchObject({
      from: TODAY,
      until: '2025-12-18',
      county: '440703',
    });
    expect(() => declareAbsence({ ...base, input: { until: TODAY, reason: 'away' } })).toThrow(/返回日期/);
    expect(() => declareAbsence({ ...base, input: { until: '2026-04-01', reason: 'hospital' } })).toThrow(
      /92/,
    );
  });
});

describe('the month report counts absences apart', () => {
  it('counts elders away some day, those in hospital, and elder-days away within the month', () => {
    const list = [
      absence({ id: 'a', elderId: 'e1', from: '2025-11-28', until: '2025-12-03' }), // Dec 1, 2
      absence({ id: 'b', elderId: 'e2', from: '2025-12-30', until: '2026-01-04', reason: 'hospital' }), // Dec 30, 31
      absence({ id: 'c', elderId: 'e1', from: '2025-12-02', until: '2025-12-05' }), // Dec 2, 3, 4 (2 shared)
      absence({ id: 'd', elderId: 'e3', from: '2025-11-01', until: '2025-11-05' }), // not December
    ];
    expect(countAbsencesInMonth(list, '2025-12')).toEqual({ elders: 2, hospital: 1, elderDays: 6 });
  });
});
