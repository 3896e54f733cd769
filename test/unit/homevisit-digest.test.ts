import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateCode, NoFreeCode, parseVisitReply } from '../../shared/homevisits/codes.js';
import {
  contactDigest,
  type DigestItem,
  homeVisitDue,
  MAX_PARTS,
  mentionedToday,
  supervisorDigest,
} from '../../shared/homevisits/digest.js';
import { smsParts } from '../../shared/phone/providers.js';
import { addDaysIso } from '../../shared/time.js';

const anItem = (over: Partial<DigestItem> = {}): DigestItem => ({
  kind: 'homeVisit',
  elderId: 'e1',
  name: '陈大文',
  village: '潮连村',
  code: '12',
  daysLeft: 3,
  ...over,
});

/** The days a digest mentions one elder's home visit, over `days` days from `from`. */
function digestDays(category: 'A' | 'B' | 'C', from: string, days: number, visits: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < days; i++) {
    const today = addDaysIso(from, i);
    const due = homeVisitDue({ category, registeredOn: '2024-01-15' }, visits, today);
    const text = due && contactDigest({ items: [anItem({ daysLeft: due.daysLeft })] });
    if (text) out.push(today);
  }
  return out;
}

describe('digest timing', () => {
  it('mentions a monthly home visit 7, 3 and 1 days before the month ends, then daily once overdue', () => {
    // visited in June: July's visit is due by 31 July
    expect(digestDays('A', '2025-07-01', 36, ['2025-06-10'])).toEqual([
      '2025-07-24',
      '2025-07-28',
      '2025-07-30',
      '2025-08-01',
      '2025-08-02',
      '2025-08-03',
      '2025-08-04',
      '2025-08-05',
    ]);
  });

  it('is silent on every other day and once the visit is made', () => {
    const days = digestDays('A', '2025-07-01', 31, ['2025-06-10']);
    expect(days).not.toContain('2025-07-29');
    expect(days).not.toContain('2025-07-31');
    expect(digestDays('A', '2025-07-20', 20, ['2025-06-10', '2025-07-22'])).toEqual([]);
    // never visited: June was missed, so every day of July is an overdue day
    expect(digestDays('A', '2025-07-01', 31)).toHaveLength(31);
  });

  it('counts overdue days from the end of the missed period until a home visit is made', () => {
    expect(homeVisitDue({ category: 'A', registeredOn: '2024-01-15' }, [], '2025-08-05')).toEqual({
      deadline: '2025-07-31',
      daysLeft: -5,
    });
    expect(
      homeVisitDue({ category: 'A', registeredOn: '2024-01-15' }, ['2025-08-03'], '2025-08-05'),
    ).toBeUndefined();
    // a half-yearly (B) or yearly (C) home visit: the deadline is the end of the half-year or year
    expect(homeVisitDue({ category: 'B', registeredOn: '2024-01-15' }, ['2025-02-01'], '2025-12-24')).toEqual(
      {
        deadline: '2025-12-31',
        daysLeft: 7,
      },
    );
    expect(
      homeVisitDue({ category: 'C', registeredOn: '2024-01-15' }, ['2025-02-01'], '2025-06-24'),
    ).toBeUndefined();
    expect(homeVisitDue({ category: 'C', registeredOn: '2024-01-15' }, [], '2025-01-04')).toEqual({
      deadline: '2024-12-31',
      daysLeft: -4,
    });
  });

  it('owes nothing overdue for the period before registration', () => {
    expect(homeVisitDue({ category: 'A', registeredOn: '2025-07-20' }, [], '2025-07-24')).toEqual({
      deadline: '2025-07-31',
      daysLeft: 7,
    });
  });

  it('mentions an item only on 7, 3, 1 days before and when overdue (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -400, max: 400 }), (d) => {
        expect(mentionedToday(d)).toBe(d < 0 || d === 7 || d === 3 || d === 1);
      }),
    );
  });
});

describe('the contact digest text', () => {
  it('is nothing when no item is mentioned today (one digest a day carries everything)', () => {
    expect(contactDigest({ items: [anItem({ daysLeft: 5 }), anItem({ daysLeft: 0 })] })).toBeUndefined();
  });

  it('names short names, villages and codes, most urgent first, and how to record', () => {
    const text = contactDigest({
      items: [
        anItem({ code: '12', daysLeft: 3 }),
        anItem({ code: '45', name: '李秀英', village: '荷塘村', daysLeft: -2 }),
      ],
    }) as string;
    expect(text).toMatch(/^【安心】您有2位老人需上门探访\(1位已逾期\)/);
    expect(text.indexOf('代码45')).toBeLessThan(text.indexOf('代码12'));
    expect(text).toContain('李老人(荷塘村)代码45 逾期2天');
    expect(text).not.toContain('李秀英');
    expect(text).toContain('"代码 1"');
    expect(smsParts(text)).toBeLessThanOrEqual(MAX_PARTS);
  });

  it('fits in three SMS parts and says how many more, with the link when one is given', () => {
    const items = Array.from({ length: 30 }, (_, i) =>
      anItem({ elderId: `e${i}`, code: String(10 + i), daysLeft: -1 - i }),
    );
    const text = contactDigest({ items, link: 'https://example.test/l/abc' }) as string;
    expect(smsParts(text)).toBeLessThanOrEqual(MAX_PARTS);
    const shown = (text.match(/代码\d+ /g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`另有${30 - shown}项,详见:https://example.test/l/abc`);
    const plain = contactDigest({ items }) as string;
    expect(plain).toMatch(/另有\d+项\n/);
    expect(plain).not.toContain('详见');
  });

  it('lists open follow-up items too', () => {
    const text = contactDigest({ items: [anItem({ kind: 'followUp', code: '33', daysLeft: -1 })] }) as string;
    expect(text).toContain('1项跟进待办');
    expect(text).toContain('跟进 陈老人(潮连村)代码33');
    // a new follow-up item shows in the next digest even when its deadline is days away
    expect(contactDigest({ items: [anItem({ kind: 'followUp', daysLeft: 6 })] })).toBeUndefined();
    expect(contactDigest({ items: [anItem({ kind: 'followUp', daysLeft: 6, isNew: true })] })).toContain(
      '代码12 6天内',
    );
  });
});

describe('the supervisor digest', () => {
  it('lists contacts with visits overdue by more than three days, the longest first', () => {
    const text = supervisorDigest('潮连街道', [
      { contactName: '李四', overdue: 1, maxDays: 4 },
      { contactName: '王五', overdue: 2, maxDays: 9 },
    ]) as string;
    expect(text).toBe('【安心】潮连街道有3位老人上门探访逾期超过3天:\n王五 2位(最长9天)\n李四 1位(最长4天)');
    expect(supervisorDigest('潮连街道', [])).toBeUndefined();
  });

  it('fits in three parts however many contacts', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      contactName: `联系人${i}`,
      overdue: 1,
      maxDays: 4 + i,
    }));
    const text = supervisorDigest('潮连街道', rows) as string;
    expect(smsParts(text)).toBeLessThanOrEqual(MAX_PARTS);
    expect(text).toMatch(/另有\d+位联系人$/);
  });
});

describe('home-visit codes', () => {
  it('are two digits, free among the contact’s codes, three digits once two are used up', () => {
    expect(allocateCode(new Set(), () => 0)).toBe('10');
    expect(allocateCode(new Set(['10', '11']), () => 0)).toBe('12');
    const allTwo = new Set(Array.from({ length: 90 }, (_, i) => String(10 + i)));
    expect(allocateCode(allTwo, () => 0)).toBe('100');
    const all = new Set([...allTwo, ...Array.from({ length: 900 }, (_, i) => String(100 + i))]);
    expect(() => allocateCode(all, () => 0)).toThrow(NoFreeCode);
  });

  it('never returns a taken code (collision handling), and two contacts may use the same code', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 10, max: 99 }), { maxLength: 89 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (used, r) => {
          const taken = new Set(used.map(String));
          const code = allocateCode(taken, () => r);
          expect(taken.has(code)).toBe(false);
          expect(code).toMatch(/^[1-9]\d$/);
        },
      ),
    );
    // each contact's codes are its own: the same random pick gives both the same code
    expect(allocateCode(new Set(['11']), () => 0)).toBe(allocateCode(new Set(['11']), () => 0));
  });

  it('parse `<code> <1|2|3>`, never a four-digit case code', () => {
    expect(parseVisitReply('12 1')).toEqual({ code: '12', answer: 1 });
    expect(parseVisitReply('１２３　３')).toEqual({ code: '123', answer: 3 });
    expect(parseVisitReply('1234')).toBeUndefined();
    expect(parseVisitReply('1234 1')).toBeUndefined();
    expect(parseVisitReply('12 4')).toBeUndefined();
    expect(parseVisitReply('1')).toBeUndefined();
    expect(parseVisitReply('05 1')).toBeUndefined();
  });
});
