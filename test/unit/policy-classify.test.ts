import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePolicyConfig, type PolicyConfig } from '../../shared/config.js';
import { ageOn, dateOfAge } from '../../shared/policy/age.js';
import {
  classify,
  effectiveCategory,
  hasLossOfAbility,
  isHigherCategory,
  nextAgeLine,
  type PolicyProfile,
} from '../../shared/policy/classify.js';
import { JIANGMEN_COUNTIES } from '../../shared/regions.js';
import {
  ABILITY_GRADES,
  type AbilityGrade,
  LIVING,
  type RuleCode,
} from '../../shared/registration/fields.js';
import {
  type Registration,
  type RegistrationInput,
  registrationSchema,
} from '../../shared/registration/schema.js';
import { parseOrErrors } from '../../shared/validation.js';
import { aRegistration, policy } from '../support/builders.js';

const ON = '2025-07-01';

type BodyOverrides = Partial<RegistrationInput> & { age?: number; on?: string; withId?: boolean };

/** A registration body from the builder, validated and normalised by the schema (defaults applied). */
function parsed(overrides: BodyOverrides = {}): Registration {
  const result = parseOrErrors(registrationSchema, aRegistration(overrides));
  if (!result.ok) throw new Error(`builder body did not parse: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** Classifies a builder body on `on` (the builder makes the elder exactly `age` on that date). */
function classifyBody(overrides: BodyOverrides = {}, config: PolicyConfig = policy) {
  const on = overrides.on ?? ON;
  return classify(parsed({ ...overrides, on }), on, config);
}

/** A policy profile built directly (no schema): plain defaults, Pengjiang. */
function profile(overrides: Partial<PolicyProfile> = {}): PolicyProfile {
  return {
    birthDate: '1955-01-01',
    living: 'withFamily',
    emptyNest: false,
    leftBehind: false,
    ability: 'intact',
    dementia: false,
    lowIncome: false,
    familyPlanningSpecial: false,
    caresForDisabledChild: false,
    partnerImpaired: false,
    region: { county: '440703' },
    ...overrides,
  };
}

const sorted = (rules: readonly RuleCode[]) => [...rules].sort();

describe('classify: eligibility', () => {
  it('is not eligible under 60, whatever else holds', () => {
    const result = classifyBody({
      age: 59,
      living: 'alone',
      ability: 'total',
      lowIncome: true,
      familyPlanningSpecial: true,
      caresForDisabledChild: true,
      disabilityGrade: 1,
    });
    expect(result).toEqual({ eligible: false, age: 59, category: null, rules: [] });
  });

  it('is category C with rules [C] when no rule holds', () => {
    expect(classifyBody({ age: 70 })).toEqual({ eligible: true, age: 70, category: 'C', rules: ['C'] });
  });

  it('reports the age in full years on the date', () => {
    expect(classifyBody({ age: 60 }).age).toBe(60);
    expect(classifyBody({ age: 99, on: '2024-02-29' }).age).toBe(99);
  });
});

describe('classify: A1 loss of ability', () => {
  it.each(['moderate', 'severe', 'total'] as const)('%s ability alone gives A1 (category A)', (ability) => {
    expect(classifyBody({ ability })).toMatchObject({ category: 'A', rules: ['A1'] });
  });

  it.each(['intact', 'mild'] as const)(
    '%s ability does not give A1 (the reference: 65 points or below)',
    (ability) => {
      expect(classifyBody({ ability })).toMatchObject({ category: 'C', rules: ['C'] });
    },
  );

  it('holds at any eligible age (60 and 95)', () => {
    expect(classifyBody({ age: 60, ability: 'moderate' }).rules).toEqual(['A1']);
    expect(classifyBody({ age: 95, ability: 'moderate' }).rules).toEqual(['A1']);
  });
});

describe('classify: A2 aged 80+ and alone, empty-nest or left-behind', () => {
  it.each([
    ['living alone', { living: 'alone' }],
    ['empty-nest', { living: 'couple', emptyNest: true }],
    ['left-behind', { living: 'withFamily', leftBehind: true }],
  ] as const)('aged 80 and %s gives A2', (_label, extra) => {
    expect(classifyBody({ age: 80, ...extra })).toMatchObject({ age: 80, category: 'A', rules: ['A2'] });
  });

  it('aged 79 and living alone is not A2', () => {
    expect(classifyBody({ age: 79, living: 'alone' })).toMatchObject({ category: 'C', rules: ['C'] });
  });

  it('aged 80+ with family (not empty-nest, not left-behind) is not A2', () => {
    expect(classifyBody({ age: 80, living: 'withFamily' })).toMatchObject({ category: 'C', rules: ['C'] });
    expect(classifyBody({ age: 92, living: 'couple' })).toMatchObject({ category: 'C', rules: ['C'] });
  });

  it('living alone counts as empty-nest even when emptyNest is false', () => {
    expect(classifyBody({ age: 81, living: 'alone', emptyNest: false }).rules).toEqual(['A2']);
  });

  it('has no upper age limit', () => {
    expect(classifyBody({ age: 105, living: 'alone' }).rules).toEqual(['A2']);
  });
});

describe('classify: A3 low income and alone, empty-nest or left-behind', () => {
  it.each([
    ['living alone', { living: 'alone' }],
    ['empty-nest', { living: 'couple', emptyNest: true }],
    ['left-behind', { living: 'withFamily', leftBehind: true }],
  ] as const)('low income and %s gives A3', (_label, extra) => {
    expect(classifyBody({ age: 65, lowIncome: true, ...extra })).toMatchObject({
      category: 'A',
      rules: ['A3'],
    });
  });

  it('low income living with family is not A3', () => {
    expect(classifyBody({ age: 65, lowIncome: true, living: 'withFamily' }).rules).toEqual(['C']);
    expect(classifyBody({ age: 65, lowIncome: true, living: 'couple' }).rules).toEqual(['C']);
  });

  it('living alone without low income is not A3', () => {
    expect(classifyBody({ age: 65, living: 'alone', lowIncome: false }).rules).toEqual(['C']);
  });
});

describe('classify: A4 family-planning special and living alone', () => {
  it('family-planning special and living alone gives A4', () => {
    expect(classifyBody({ familyPlanningSpecial: true, living: 'alone' })).toMatchObject({
      category: 'A',
      rules: ['A4'],
    });
  });

  it('needs living alone itself: empty-nest or left-behind is not enough', () => {
    expect(classifyBody({ familyPlanningSpecial: true, living: 'couple', emptyNest: true }).rules).toEqual([
      'C',
    ]);
    expect(
      classifyBody({ familyPlanningSpecial: true, living: 'withFamily', leftBehind: true }).rules,
    ).toEqual(['C']);
    expect(classifyBody({ familyPlanningSpecial: true, living: 'other' }).rules).toEqual(['C']);
  });

  it('living alone without the family-planning flag is not A4', () => {
    expect(classifyBody({ familyPlanningSpecial: false, living: 'alone' }).rules).toEqual(['C']);
  });
});

describe('classify: B1 aged 60-79, severe disability and living alone', () => {
  it.each([1, 2])('disability grade %i, living alone, aged 70 gives B1', (disabilityGrade) => {
    expect(classifyBody({ disabilityGrade, living: 'alone' })).toMatchObject({
      category: 'B',
      rules: ['B1'],
    });
  });

  it('holds at 60 and at 79', () => {
    expect(classifyBody({ age: 60, disabilityGrade: 1, living: 'alone' }).rules).toEqual(['B1']);
    expect(classifyBody({ age: 79, disabilityGrade: 2, living: 'alone' }).rules).toEqual(['B1']);
  });

  it('stops at 80 (where A2 takes over for an elder living alone)', () => {
    expect(classifyBody({ age: 80, disabilityGrade: 1, living: 'alone' })).toMatchObject({
      category: 'A',
      rules: ['A2'],
    });
  });

  it.each([3, 4])('disability grade %i (not severe) living alone is not B1', (disabilityGrade) => {
    expect(classifyBody({ disabilityGrade, living: 'alone' }).rules).toEqual(['C']);
  });

  it('severe disability not living alone is not B1', () => {
    expect(classifyBody({ disabilityGrade: 1, living: 'withFamily' }).rules).toEqual(['C']);
    expect(classifyBody({ disabilityGrade: 1, living: 'other', emptyNest: true }).rules).toEqual(['C']);
  });
});

describe('classify: B2 aged 60-79 couple with an impaired elder', () => {
  it.each([
    ['the elder has dementia', { dementia: true }],
    ['the elder has a disability (grade 4)', { disabilityGrade: 4 }],
    ['the elder has a severe disability (grade 1)', { disabilityGrade: 1 }],
    ['the partner is impaired', { partnerImpaired: true }],
  ] as const)('couple where %s gives B2', (_label, extra) => {
    expect(classifyBody({ living: 'couple', ...extra })).toMatchObject({ category: 'B', rules: ['B2'] });
  });

  it('couple where the elder has loss of ability gives A1 and B2 (category A)', () => {
    expect(classifyBody({ living: 'couple', ability: 'moderate' })).toMatchObject({
      category: 'A',
      rules: ['A1', 'B2'],
    });
  });

  it('couple with nobody impaired is not B2', () => {
    expect(classifyBody({ living: 'couple' }).rules).toEqual(['C']);
  });

  it('impairment without living as a couple is not B2', () => {
    expect(classifyBody({ living: 'alone', dementia: true }).rules).toEqual(['C']);
    expect(classifyBody({ living: 'withFamily', disabilityGrade: 3 }).rules).toEqual(['C']);
    expect(classifyBody({ living: 'other', dementia: true }).rules).toEqual(['C']);
  });

  it('holds at 60 and 79 but not at 80', () => {
    expect(classifyBody({ age: 60, living: 'couple', partnerImpaired: true }).rules).toEqual(['B2']);
    expect(classifyBody({ age: 79, living: 'couple', partnerImpaired: true }).rules).toEqual(['B2']);
    expect(classifyBody({ age: 80, living: 'couple', partnerImpaired: true }).rules).toEqual(['C']);
    expect(classifyBody({ age: 80, living: 'couple', emptyNest: true, dementia: true }).rules).toEqual([
      'A2',
    ]);
  });
});

describe('classify: B3 long-term carer of a disabled child', () => {
  it.each([60, 70, 79, 80, 95])('carer aged %i gives B3 (no age limit)', (age) => {
    expect(classifyBody({ age, caresForDisabledChild: true })).toMatchObject({
      category: 'B',
      rules: ['B3'],
    });
  });

  it('is not B3 without the flag', () => {
    expect(classifyBody({ caresForDisabledChild: false }).rules).toEqual(['C']);
  });
});

describe('classify: several rules at once', () => {
  it('lists every A and B rule that holds, category A', () => {
    const result = classifyBody({
      age: 85,
      living: 'alone',
      ability: 'severe',
      lowIncome: true,
      familyPlanningSpecial: true,
      caresForDisabledChild: true,
      disabilityGrade: 1,
    });
    expect(result.category).toBe('A');
    expect(sorted(result.rules)).toEqual(['A1', 'A2', 'A3', 'A4', 'B3']);
  });

  it('an A rule wins over a B rule', () => {
    const result = classifyBody({ age: 70, living: 'alone', disabilityGrade: 1, lowIncome: true });
    expect(result.category).toBe('A');
    expect(sorted(result.rules)).toEqual(['A3', 'B1']);
  });

  it('several B rules give B', () => {
    const result = classifyBody({ age: 70, living: 'couple', dementia: true, caresForDisabledChild: true });
    expect(result.category).toBe('B');
    expect(sorted(result.rules)).toEqual(['B2', 'B3']);
  });

  it('all B rules at 79 but one A rule: A', () => {
    const alone = classifyBody({ age: 79, living: 'alone', disabilityGrade: 2, caresForDisabledChild: true });
    expect(alone).toMatchObject({ category: 'B' });
    expect(sorted(alone.rules)).toEqual(['B1', 'B3']);
    const withA4 = classifyBody({
      age: 79,
      living: 'alone',
      disabilityGrade: 2,
      caresForDisabledChild: true,
      familyPlanningSpecial: true,
    });
    expect(withA4.category).toBe('A');
    expect(sorted(withA4.rules)).toEqual(['A4', 'B1', 'B3']);
  });

  it('never lists C beside another rule', () => {
    const result = classifyBody({
      living: 'couple',
      partnerImpaired: true,
      lowIncome: true,
      emptyNest: true,
    });
    expect(sorted(result.rules)).toEqual(['A3', 'B2']);
  });
});

describe('classify: age lines (the day before, the day of)', () => {
  it('turns 60 (eligible) on the 60th birthday', () => {
    const p = profile({ birthDate: '1965-07-01' });
    expect(classify(p, '2025-06-30', policy)).toEqual({
      eligible: false,
      age: 59,
      category: null,
      rules: [],
    });
    expect(classify(p, '2025-07-01', policy)).toEqual({
      eligible: true,
      age: 60,
      category: 'C',
      rules: ['C'],
    });
  });

  it('turns 80 on the 80th birthday: A2 starts for an elder living alone', () => {
    const p = profile({ birthDate: '1945-07-01', living: 'alone' });
    expect(classify(p, '2025-06-30', policy)).toMatchObject({ age: 79, category: 'C', rules: ['C'] });
    expect(classify(p, '2025-07-01', policy)).toMatchObject({ age: 80, category: 'A', rules: ['A2'] });
  });

  it('B1 ends and A2 starts on the 80th birthday', () => {
    const p = profile({ birthDate: '1945-07-01', living: 'alone', disabilityGrade: 1 });
    expect(classify(p, '2025-06-30', policy)).toMatchObject({ age: 79, category: 'B', rules: ['B1'] });
    expect(classify(p, '2025-07-01', policy)).toMatchObject({ age: 80, category: 'A', rules: ['A2'] });
  });

  it('B2 ends on the 80th birthday (couple, not empty-nest)', () => {
    const p = profile({ birthDate: '1945-07-01', living: 'couple', partnerImpaired: true });
    expect(classify(p, '2025-06-30', policy)).toMatchObject({ age: 79, category: 'B', rules: ['B2'] });
    expect(classify(p, '2025-07-01', policy)).toMatchObject({ age: 80, category: 'C', rules: ['C'] });
  });

  it('birthday at the turn of the year', () => {
    const p = profile({ birthDate: '1945-01-01', living: 'alone' });
    expect(classify(p, '2024-12-31', policy)).toMatchObject({ age: 79, rules: ['C'] });
    expect(classify(p, '2025-01-01', policy)).toMatchObject({ age: 80, rules: ['A2'] });
  });

  it('works from parsed bodies built for the day of and the day before', () => {
    const body = parsed({ birthDate: '1945-07-01', living: 'alone' });
    expect(classify(body, '2025-06-30', policy).rules).toEqual(['C']);
    expect(classify(body, '2025-07-01', policy).rules).toEqual(['A2']);
  });
});

describe('classify: 29 February birthdays', () => {
  const leapling = profile({ birthDate: '1944-02-29', living: 'alone' });

  it('turns 80 on 29 February of a leap year', () => {
    expect(classify(leapling, '2024-02-28', policy)).toMatchObject({ age: 79, category: 'C', rules: ['C'] });
    expect(classify(leapling, '2024-02-29', policy)).toMatchObject({ age: 80, category: 'A', rules: ['A2'] });
    expect(classify(leapling, '2024-03-01', policy).age).toBe(80);
  });

  it('turns over on 1 March in a common year (81 on 2025-03-01)', () => {
    expect(classify(leapling, '2025-02-28', policy).age).toBe(80);
    expect(classify(leapling, '2025-03-01', policy).age).toBe(81);
    expect(ageOn('1944-02-29', '2027-02-28')).toBe(82);
    expect(ageOn('1944-02-29', '2027-03-01')).toBe(83);
  });

  it('turns 60 (eligible) on 29 February of a leap year', () => {
    const p = profile({ birthDate: '1964-02-29' });
    expect(classify(p, '2024-02-28', policy)).toMatchObject({ eligible: false, age: 59, category: null });
    expect(classify(p, '2024-02-29', policy)).toMatchObject({ eligible: true, age: 60, category: 'C' });
  });

  it('turns 60 on 1 March when the 60th birthday falls in a common year (2100)', () => {
    const p = profile({ birthDate: '2040-02-29' });
    expect(classify(p, '2100-02-28', policy)).toMatchObject({ eligible: false, age: 59 });
    expect(classify(p, '2100-03-01', policy)).toMatchObject({ eligible: true, age: 60, category: 'C' });
  });

  it('turns 80 on 1 March when the 80th birthday falls in a common year (2100): A2 starts then', () => {
    const p = profile({ birthDate: '2020-02-29', living: 'alone' });
    expect(classify(p, '2100-02-28', policy)).toMatchObject({ age: 79, rules: ['C'] });
    expect(classify(p, '2100-03-01', policy)).toMatchObject({ age: 80, rules: ['A2'] });
  });

  it('a 28 February birthday is not moved (born 1966-02-28)', () => {
    expect(ageOn('1966-02-28', '2026-02-27')).toBe(59);
    expect(ageOn('1966-02-28', '2026-02-28')).toBe(60);
    expect(ageOn('1964-02-28', '2024-02-28')).toBe(60);
  });

  it('dateOfAge gives the turning day', () => {
    expect(dateOfAge('1944-02-29', 80)).toBe('2024-02-29');
    expect(dateOfAge('1944-02-29', 81)).toBe('2025-03-01');
    expect(dateOfAge('2040-02-29', 60)).toBe('2100-03-01');
    expect(dateOfAge('1945-07-01', 80)).toBe('2025-07-01');
  });

  it('a 29 February that does not exist (1945) is refused', () => {
    expect(() => ageOn('1945-02-29', '2025-07-01')).toThrow(RangeError);
    expect(() => classify(profile({ birthDate: '1945-02-29' }), '2025-07-01', policy)).toThrow(RangeError);
    const result = parseOrErrors(
      registrationSchema,
      aRegistration({ birthDate: '1945-02-29', withId: false }),
    );
    expect(result.ok).toBe(false);
  });
});

describe('classify: loss-of-ability threshold per county', () => {
  it('by default moderate or worse (65 points or below) is loss of ability in every county', () => {
    for (const county of Object.keys(JIANGMEN_COUNTIES)) {
      for (const ability of ABILITY_GRADES) {
        const rules = classify(profile({ ability, region: { county } }), ON, policy).rules;
        expect(rules.includes('A1')).toBe(ability !== 'intact' && ability !== 'mild');
      }
    }
  });

  it('a county may set its own threshold (Taishan from mild); other counties keep the default', () => {
    const config = makePolicyConfig({}, { '440781': 'mild' });
    const taishan = (ability: AbilityGrade) =>
      classify(profile({ ability, region: { county: '440781' } }), ON, config);
    expect(taishan('intact')).toMatchObject({ category: 'C', rules: ['C'] });
    expect(taishan('mild')).toMatchObject({ category: 'A', rules: ['A1'] });
    expect(taishan('total').rules).toEqual(['A1']);
    const pengjiang = classify(profile({ ability: 'mild', region: { county: '440703' } }), ON, config);
    expect(pengjiang.rules).toEqual(['C']);
  });

  it("'*' sets the default threshold, a county entry overrides it", () => {
    const config = makePolicyConfig({}, { '*': 'severe', '440781': 'mild' });
    const at = (county: string, ability: AbilityGrade) =>
      classify(profile({ ability, region: { county } }), ON, config).rules.includes('A1');
    expect(at('440703', 'moderate')).toBe(false);
    expect(at('440703', 'severe')).toBe(true);
    expect(at('440705', 'total')).toBe(true);
    expect(at('440781', 'mild')).toBe(true);
    expect(at('440781', 'intact')).toBe(false);
  });

  it('via a parsed body (Taishan, raised threshold)', () => {
    const config = makePolicyConfig({}, { '440781': 'moderate' });
    const region = { county: '440781', township: '台城街道', village: '城东村' };
    expect(classifyBody({ ability: 'mild', region }, config).rules).toEqual(['C']);
    expect(classifyBody({ ability: 'moderate', region }, config).rules).toEqual(['A1']);
  });

  it('B2 follows the raised threshold: a mild elder in a Taishan couple is not impaired', () => {
    const config = makePolicyConfig({}, { '440781': 'moderate' });
    const couple = (ability: AbilityGrade) =>
      classify(profile({ ability, living: 'couple', region: { county: '440781' } }), ON, config);
    expect(couple('mild').rules).toEqual(['C']);
    expect(sorted(couple('moderate').rules)).toEqual(['A1', 'B2']);
  });

  it('hasLossOfAbility compares grades in order', () => {
    expect(hasLossOfAbility('intact', 'mild')).toBe(false);
    expect(hasLossOfAbility('mild', 'mild')).toBe(true);
    expect(hasLossOfAbility('moderate', 'severe')).toBe(false);
    expect(hasLossOfAbility('total', 'severe')).toBe(true);
  });
});

describe('categories: order, override and the next age line', () => {
  it('isHigherCategory: A > B > C', () => {
    expect(isHigherCategory('A', 'B')).toBe(true);
    expect(isHigherCategory('B', 'C')).toBe(true);
    expect(isHigherCategory('A', 'C')).toBe(true);
    expect(isHigherCategory('C', 'A')).toBe(false);
    expect(isHigherCategory('B', 'B')).toBe(false);
  });

  it('effectiveCategory takes an override only when it raises the category', () => {
    expect(effectiveCategory('C')).toBe('C');
    expect(effectiveCategory('C', 'A')).toBe('A');
    expect(effectiveCategory('B', 'A')).toBe('A');
    expect(effectiveCategory('A', 'C')).toBe('A');
    expect(effectiveCategory('B', 'C')).toBe('B');
  });

  it('nextAgeLine is the 80th birthday when still ahead', () => {
    expect(nextAgeLine('1945-07-01', '2025-06-30')).toBe('2025-07-01');
    expect(nextAgeLine('1945-07-01', '2025-07-01')).toBeUndefined();
    expect(nextAgeLine('1944-02-29', '2024-02-28')).toBe('2024-02-29');
    expect(nextAgeLine('2020-02-29', '2099-01-01')).toBe('2100-03-01');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Calendar dates between two years, with extra weight on 29 February and month ends. */
function isoDate(minYear: number, maxYear: number): fc.Arbitrary<string> {
  const any = fc
    .integer({ min: dayNumber(`${minYear}-01-01`), max: dayNumber(`${maxYear}-12-31`) })
    .map(isoOfDay);
  const leapDay = fc
    .integer({ min: Math.ceil(minYear / 4), max: Math.floor(maxYear / 4) })
    .map((q) => q * 4)
    .filter(isLeap)
    .map((y) => `${String(y).padStart(4, '0')}-02-29`);
  const monthEnd = fc
    .record({ year: fc.integer({ min: minYear, max: maxYear }), month: fc.integer({ min: 1, max: 12 }) })
    .map(({ year, month }) => isoOfDay(dayNumber(`${year}-${String(month).padStart(2, '0')}-01`) + 40))
    .map((d) => isoOfDay(dayNumber(`${d.slice(0, 7)}-01`) - 1));
  return fc.oneof(
    { arbitrary: any, weight: 3 },
    { arbitrary: leapDay, weight: 1 },
    { arbitrary: monthEnd, weight: 1 },
  );
}

/** Full years by counting birthdays (29 February falls on 1 March in common years): the spec's reading. */
function fullYears(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  const [tm, td] = bm === 2 && bd === 29 && !isLeap(y) ? [3, 1] : [bm, bd];
  return y - by - (m < tm || (m === tm && d < td) ? 1 : 0);
}

const grades = (threshold: AbilityGrade) => ABILITY_GRADES.slice(ABILITY_GRADES.indexOf(threshold));

/** The rules as the issue states them, written independently of the implementation. */
function specRules(p: PolicyProfile, age: number, threshold: AbilityGrade): RuleCode[] {
  const loss = grades(threshold).includes(p.ability);
  const alone = p.living === 'alone';
  const aloneNestOrLeft = alone || p.emptyNest || p.leftBehind;
  const from60to79 = age >= 60 && age <= 79;
  const rules: RuleCode[] = [];
  if (loss) rules.push('A1');
  if (age >= 80 && aloneNestOrLeft) rules.push('A2');
  if (p.lowIncome && aloneNestOrLeft) rules.push('A3');
  if (p.familyPlanningSpecial && alone) rules.push('A4');
  if (from60to79 && (p.disabilityGrade === 1 || p.disabilityGrade === 2) && alone) rules.push('B1');
  if (
    from60to79 &&
    p.living === 'couple' &&
    (loss || p.dementia || p.disabilityGrade !== undefined || p.partnerImpaired)
  )
    rules.push('B2');
  if (p.caresForDisabledChild) rules.push('B3');
  return rules.length === 0 ? ['C'] : rules;
}

const counties = Object.keys(JIANGMEN_COUNTIES);

const profileArb: fc.Arbitrary<PolicyProfile> = fc
  .record({
    birthDate: isoDate(1900, 2045),
    living: fc.constantFrom(...LIVING),
    emptyNest: fc.boolean(),
    leftBehind: fc.boolean(),
    ability: fc.constantFrom(...ABILITY_GRADES),
    dementia: fc.boolean(),
    disabilityGrade: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    lowIncome: fc.boolean(),
    familyPlanningSpecial: fc.boolean(),
    caresForDisabledChild: fc.boolean(),
    partnerImpaired: fc.boolean(),
    county: fc.constantFrom(...counties),
  })
  .map(({ county, disabilityGrade, ...rest }) => ({
    ...rest,
    ...(disabilityGrade === undefined ? {} : { disabilityGrade }),
    region: { county },
  }));

/** A date on which the elder is 55 to 105, or exactly around a birthday. */
const onFor = (birthDate: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: 55 * 365, max: 105 * 366 }).map((days) => isoOfDay(dayNumber(birthDate) + days)),
    fc
      .record({ age: fc.constantFrom(59, 60, 61, 79, 80, 81), shift: fc.integer({ min: -1, max: 1 }) })
      .map(({ age, shift }) => isoOfDay(dayNumber(dateOfAge(birthDate, age)) + shift)),
  );

const thresholdsArb = fc.record({
  star: fc.option(fc.constantFrom(...ABILITY_GRADES), { nil: undefined }),
  taishan: fc.option(fc.constantFrom(...ABILITY_GRADES), { nil: undefined }),
});

describe('classify: properties', () => {
  it('age is full years on the date; rules are exactly the spec rules; category is the highest', () => {
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), onFor(p.birthDate))),
        thresholdsArb,
        ([p, on], { star, taishan }) => {
          const thresholds: Record<string, AbilityGrade> = {};
          if (star) thresholds['*'] = star;
          if (taishan) thresholds['440781'] = taishan;
          const config = makePolicyConfig({}, thresholds);
          const threshold = thresholds[p.region.county] ?? star ?? 'moderate';
          const result = classify(p, on, config);
          const age = fullYears(p.birthDate, on);
          expect(result.age).toBe(age);
          if (age < 60) {
            expect(result).toEqual({ eligible: false, age, category: null, rules: [] });
            return;
          }
          expect(result.eligible).toBe(true);
          expect(sorted(result.rules)).toEqual(sorted(specRules(p, age, threshold)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('category is A iff some A rule holds, B iff no A and some B rule, C otherwise; rules never empty', () => {
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), onFor(p.birthDate))),
        ([p, on]) => {
          const { eligible, category, rules } = classify(p, on, policy);
          if (!eligible) {
            expect(category).toBeNull();
            expect(rules).toEqual([]);
            return;
          }
          expect(rules.length).toBeGreaterThan(0);
          expect(new Set(rules).size).toBe(rules.length);
          const someA = rules.some((r) => r.startsWith('A'));
          const someB = rules.some((r) => r.startsWith('B'));
          expect(category).toBe(someA ? 'A' : someB ? 'B' : 'C');
          if (category === 'C') expect(rules).toEqual(['C']);
          else expect(rules).not.toContain('C');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('age is monotone non-decreasing in the date', () => {
    fc.assert(
      fc.property(isoDate(1900, 2045), isoDate(1900, 2150), isoDate(1900, 2150), (birth, d1, d2) => {
        const [early, late] = d1 <= d2 ? [d1, d2] : [d2, d1];
        expect(ageOn(birth, early)).toBeLessThanOrEqual(ageOn(birth, late));
        expect(classify(profile({ birthDate: birth }), early, policy).age).toBeLessThanOrEqual(
          classify(profile({ birthDate: birth }), late, policy).age,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('age increases by exactly 1 on each birthday given by dateOfAge', () => {
    fc.assert(
      fc.property(isoDate(1900, 2045), fc.integer({ min: 1, max: 120 }), (birth, n) => {
        const turning = dateOfAge(birth, n);
        const dayBefore = isoOfDay(dayNumber(turning) - 1);
        const dayAfter = isoOfDay(dayNumber(turning) + 1);
        expect(ageOn(birth, turning)).toBe(n);
        expect(ageOn(birth, dayBefore)).toBe(n - 1);
        expect(ageOn(birth, dayAfter)).toBe(n);
        expect(classify(profile({ birthDate: birth }), turning, policy).age).toBe(n);
        // the turning day keeps the birthday, or is 1 March for 29 February in a common year
        if (birth.endsWith('-02-29') && !isLeap(Number(turning.slice(0, 4))))
          expect(turning.slice(5)).toBe('03-01');
        else expect(turning.slice(5)).toBe(birth.slice(5));
      }),
      { numRuns: 1000 },
    );
  });

  it('eligibility is exactly age >= 60, and the age line 80 separates A2 from B1/B2', () => {
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), onFor(p.birthDate))),
        ([p, on]) => {
          const { eligible, age, rules } = classify(p, on, policy);
          expect(eligible).toBe(age >= 60);
          if (age >= 80) {
            expect(rules).not.toContain('B1');
            expect(rules).not.toContain('B2');
          } else expect(rules).not.toContain('A2');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
