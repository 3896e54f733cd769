import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePolicyConfig } from '../../shared/config.js';
import { classify } from '../../shared/policy/classify.js';
import { elderTypes, gradeOfScore, monthsBefore } from '../../shared/policy/definitions.js';
import { type RegistrationInput, registrationSchema } from '../../shared/registration/schema.js';
import { parseOrErrors } from '../../shared/validation.js';
import { aRegistration, policy } from '../support/builders.js';

const ON = '2025-07-01';

function parsed(overrides: Partial<RegistrationInput> & { age?: number } = {}) {
  const result = parseOrErrors(registrationSchema, aRegistration({ on: ON, ...overrides }));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}
const assessed = (score: number, dementia = false) =>
  parsed({ assessment: { score, date: '2025-03-01', organisation: '江门市第三方评估机构' }, dementia });

describe('definitions: 失能 from the GB/T 42195-2022 assessment', () => {
  it('65 points is moderate, loss of ability (A1); 66 points is mild, not', () => {
    expect(assessed(65).ability).toBe('moderate');
    expect(classify(assessed(65), ON, policy).rules).toEqual(['A1']);
    expect(assessed(66).ability).toBe('mild');
    expect(classify(assessed(66), ON, policy).rules).toEqual(['C']);
  });

  it('grades at every band edge: 90 intact, 89 mild, 46 moderate, 45 severe, 30 severe, 29 total', () => {
    expect([100, 90, 89, 66, 65, 46, 45, 30, 29, 0].map((s) => gradeOfScore(s, false))).toEqual([
      'intact',
      'intact',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'severe',
      'severe',
      'total',
      'total',
    ]);
  });

  it('dementia raises a grade: 66 points with dementia is moderate, so loss of ability; total stays total', () => {
    expect(assessed(66, true).ability).toBe('moderate');
    expect(classify(assessed(66, true), ON, policy).rules).toContain('A1');
    expect(gradeOfScore(10, true)).toBe('total');
  });

  it('the score decides over a grade sent with it', () => {
    const body = aRegistration({
      on: ON,
      ability: 'total',
      assessment: { score: 95, date: '2025-03-01', organisation: '评估机构' },
    });
    const result = parseOrErrors(registrationSchema, body);
    expect(result.ok && result.value.ability).toBe('intact');
  });

  it('a county may set mild (89 points or below) as loss of ability', () => {
    const county = makePolicyConfig({}, { '440703': 'mild' });
    expect(classify(assessed(66), ON, county).rules).toEqual(['A1']);
    expect(classify(assessed(90), ON, county).rules).toEqual(['C']);
  });

  it('a score outside 0-100 is refused on the field', () => {
    const result = parseOrErrors(
      registrationSchema,
      aRegistration({ assessment: { score: 101, date: '2025-03-01', organisation: 'x' } }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.path).toBe('assessment.score');
  });
});

describe('definitions: 独居 and 空巢 from the household', () => {
  const alone81 = (childrenNearby: number, partner: 'none' | 'sameArea' | 'elsewhere' = 'none') =>
    parsed({ age: 81, living: 'alone', household: { partner, children: 2, childrenNearby } });

  it('living alone with no child in the same district or county is 独居 (A2 at 80+)', () => {
    expect(elderTypes(alone81(0), ON, policy).livingAlone).toBe(true);
    expect(classify(alone81(0), ON, policy).rules).toEqual(['A2']);
  });

  it('living alone with a child in the same district or county is not 独居', () => {
    expect(elderTypes(alone81(1), ON, policy).livingAlone).toBe(false);
    expect(classify(alone81(1), ON, policy).rules).toEqual(['C']);
  });

  it('a partner in the same district or county (not the same home) is not 独居; one elsewhere is', () => {
    expect(elderTypes(alone81(0, 'sameArea'), ON, policy).livingAlone).toBe(false);
    expect(elderTypes(alone81(0, 'elsewhere'), ON, policy).livingAlone).toBe(true);
  });

  it('two elders together with children away are 空巢, not 独居; with a child in the county, neither', () => {
    const couple = (childrenNearby: number) =>
      parsed({
        age: 82,
        living: 'couple',
        household: { partner: 'sameHome', children: 1, childrenNearby },
      });
    expect(elderTypes(couple(0), ON, policy)).toMatchObject({ emptyNest: true, livingAlone: false });
    expect(classify(couple(0), ON, policy).rules).toEqual(['A2']);
    expect(elderTypes(couple(1), ON, policy)).toMatchObject({ emptyNest: false, livingAlone: false });
  });

  it('the bare 空巢 flag is read only for records without a household', () => {
    const flagOnly = parsed({ age: 81, living: 'couple', emptyNest: true });
    expect(elderTypes(flagOnly, ON, policy).emptyNest).toBe(true);
    const withHousehold = parsed({
      age: 81,
      living: 'couple',
      emptyNest: true,
      household: { partner: 'sameHome', children: 1, childrenNearby: 1 },
    });
    expect(elderTypes(withHousehold, ON, policy).emptyNest).toBe(false);
  });

  it('more children nearby than children is refused on the field', () => {
    const result = parseOrErrors(
      registrationSchema,
      aRegistration({ household: { partner: 'none', children: 1, childrenNearby: 2 } }),
    );
    expect(!result.ok && result.errors[0]?.path).toBe('household.childrenNearby');
  });
});

describe('definitions: 留守 from a rural registered home and children away six months or more', () => {
  const away = (since: string, registeredHome: 'rural' | 'urban' = 'rural') =>
    parsed({
      age: 81,
      living: 'withFamily',
      registeredHome,
      household: { partner: 'sameHome', children: 2, childrenNearby: 0, childrenAwaySince: since },
    });

  it('six months away (since 2025-01-01 on 2025-07-01) is 留守; five months is not', () => {
    expect(elderTypes(away('2025-01-01'), ON, policy).leftBehind).toBe(true);
    expect(classify(away('2025-01-01'), ON, policy).rules).toEqual(['A2']);
    expect(elderTypes(away('2025-02-01'), ON, policy).leftBehind).toBe(false);
    expect(elderTypes(away('2025-01-02'), ON, policy).leftBehind).toBe(false);
  });

  it('an urban registered home is never 留守', () => {
    expect(elderTypes(away('2020-01-01', 'urban'), ON, policy).leftBehind).toBe(false);
  });

  it('monthsBefore keeps the day, or the month end when the day does not exist', () => {
    expect(monthsBefore('2025-07-01', 6)).toBe('2025-01-01');
    expect(monthsBefore('2025-08-31', 6)).toBe('2025-02-28');
    expect(monthsBefore('2025-03-15', 6)).toBe('2024-09-15');
  });

  it('property: 留守 on a date holds exactly from six calendar months after the children left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (days) => {
        const since = new Date(Date.UTC(2024, 6, 1) + days * 86_400_000).toISOString().slice(0, 10);
        expect(elderTypes(away(since), ON, policy).leftBehind).toBe(since <= monthsBefore(ON, 6));
      }),
      { numRuns: 100 },
    );
  });
});

describe('definitions: 高龄 and 重残', () => {
  it('高龄 at 80 (80 included), not at 79', () => {
    expect(elderTypes(parsed({ age: 80 }), ON, policy).advancedAge).toBe(true);
    expect(elderTypes(parsed({ age: 79 }), ON, policy).advancedAge).toBe(false);
  });

  it('重残 from the certificate: grade 2 is severe, grade 3 is not; the grade field follows it', () => {
    const cert = (grade: number) =>
      parsed({
        living: 'alone',
        disabilityCertificate: { type: 'physical', grade, number: `440703195501011234${'4'}${grade}` },
      });
    expect(cert(2).disabilityGrade).toBe(2);
    expect(elderTypes(cert(2), ON, policy).severeDisability).toBe(true);
    expect(classify(cert(2), ON, policy).rules).toEqual(['B1']);
    expect(elderTypes(cert(3), ON, policy).severeDisability).toBe(false);
  });

  it('a certificate number whose last two digits disagree with the type and grade is refused', () => {
    const result = parseOrErrors(
      registrationSchema,
      aRegistration({
        disabilityCertificate: { type: 'visual', grade: 1, number: '44070319550101123442' },
      }),
    );
    expect(!result.ok && result.errors[0]?.path).toBe('disabilityCertificate.number');
  });
});
