import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FESTIVALS,
  type Festival,
  festivalDate,
  festivalTemplates,
  MAX_TEXT_LENGTH,
} from '../../shared/campaigns/festivals.js';
import { addDaysIso } from '../../shared/time.js';

const years = fc.integer({ min: 1950, max: 2100 });
const chars = (s: string) => [...s].length;

describe('festivalDate', () => {
  // Published dates (China's official calendar, as in the State Council holiday notices).
  const known: [Festival, number, string][] = [
    ['springFestival', 2024, '2024-02-10'],
    ['springFestival', 2025, '2025-01-29'],
    ['springFestival', 2026, '2026-02-17'],
    ['lantern', 2024, '2024-02-24'],
    ['lantern', 2025, '2025-02-12'],
    ['dragonBoat', 2024, '2024-06-10'],
    ['dragonBoat', 2025, '2025-05-31'],
    ['midAutumn', 2024, '2024-09-17'],
    ['midAutumn', 2025, '2025-10-06'],
    ['doubleNinth', 2024, '2024-10-11'],
    ['doubleNinth', 2025, '2025-10-29'],
  ];
  it.each(known)('%s %i is %s', (festival, year, date) => {
    expect(festivalDate(festival, year)).toBe(date);
  });

  it('refuses years outside the supported range and non-integers', () => {
    expect(() => festivalDate('springFestival', 1899)).toThrow(RangeError);
    expect(() => festivalDate('springFestival', 2101)).toThrow(RangeError);
    expect(() => festivalDate('springFestival', 2025.5)).toThrow(RangeError);
  });

  it('puts the Spring Festival between 21 January and 21 February, the Lantern 14 days later', () => {
    fc.assert(
      fc.property(years, (year) => {
        const spring = festivalDate('springFestival', year);
        expect(spring >= `${year}-01-21` && spring <= `${year}-02-21`).toBe(true);
        expect(festivalDate('lantern', year)).toBe(addDaysIso(spring, 14));
      }),
      { numRuns: 151 },
    );
  });

  it('keeps every festival in its year and in calendar order', () => {
    fc.assert(
      fc.property(years, (year) => {
        const dates = FESTIVALS.map((f) => festivalDate(f, year));
        for (const d of dates) expect(d.startsWith(`${year}-`)).toBe(true);
        expect([...dates].sort()).toEqual(dates);
      }),
    );
  });
});

describe('festivalTemplates', () => {
  it('gives the five festivals of 2025 ready to schedule', () => {
    const templates = festivalTemplates(2025);
    expect(templates.map((t) => t.id)).toEqual([...FESTIVALS]);
    const doubleNinth = templates.find((t) => t.id === 'doubleNinth');
    expect(doubleNinth).toMatchObject({
      name: { zh: '重阳节', en: 'Double Ninth Festival' },
      date: '2025-10-29',
      window: { start: '2025-10-26', end: '2025-10-29' },
      kind: 'festival',
    });
    expect(doubleNinth?.messages.text).toContain('防跌倒');
  });

  it('fits the advice to each festival', () => {
    const byId = Object.fromEntries(festivalTemplates(2026).map((t) => [t.id, t.messages.text]));
    expect(byId.springFestival).toMatch(/用火用电/);
    expect(byId.lantern).toMatch(/防火/);
    expect(byId.dragonBoat).toMatch(/防暑/);
    expect(byId.dragonBoat).toMatch(/溺水/);
    expect(byId.midAutumn).toMatch(/节制/);
  });

  it('keeps every text within one SMS part, signed, with a line per language', () => {
    fc.assert(
      fc.property(years, (year) => {
        for (const t of festivalTemplates(year)) {
          expect(chars(t.messages.text)).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
          expect(t.messages.text.startsWith('【安心】')).toBe(true);
          expect(t.messages.script.yue.length).toBeGreaterThan(0);
          expect(t.messages.script.cmn.length).toBeGreaterThan(0);
          expect(chars(t.messages.script.yue)).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
          expect(t.window.start).toBe(addDaysIso(t.date, -3));
          expect(t.window.end).toBe(t.date);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('returns fresh objects that callers may change', () => {
    const [first] = festivalTemplates(2025);
    if (!first) throw new Error('no templates');
    first.name.zh = 'changed';
    first.messages.script.yue = 'changed';
    expect(festivalTemplates(2025)[0]?.name.zh).toBe('春节');
    expect(festivalTemplates(2025)[0]?.messages.script.yue).not.toBe('changed');
  });
});
