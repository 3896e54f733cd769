import type { PolicyConfig } from '../config.js';
import type { Category, RuleCode } from '../registration/fields.js';
import type { Registration } from '../registration/schema.js';
import type { IsoDate } from '../time.js';
import { ageOn, dateOfAge } from './age.js';
import { elderTypes, hasLossOfAbility } from './definitions.js';

export { hasLossOfAbility };

/** The fields of the registration form the plan's rules read. */
export type PolicyProfile = Pick<
  Registration,
  | 'birthDate'
  | 'living'
  | 'emptyNest'
  | 'leftBehind'
  | 'ability'
  | 'dementia'
  | 'disabilityGrade'
  | 'lowIncome'
  | 'familyPlanningSpecial'
  | 'caresForDisabledChild'
  | 'partnerImpaired'
> &
  Partial<Pick<Registration, 'assessment' | 'household' | 'registeredHome'>> & { region: { county: string } };

export interface Classification {
  eligible: boolean;
  age: number;
  /** null when not eligible (under 60) */
  category: Category | null;
  /** every rule that holds; the category is the highest of them */
  rules: RuleCode[];
}

export const ELIGIBLE_AGE = 60;
/** From this age A2 can apply and B1/B2 stop applying: the one age line inside the register. */
export const OLDEST_AGE_LINE = 80;

/**
 * Classifies an elder by the plan's rules (section 二(三)3) on a date in Asia/Shanghai.
 * @example classify({ ...profile, birthDate: '1940-01-01', living: 'alone' }, '2025-07-01', policy)
 *   // { eligible: true, age: 85, category: 'A', rules: ['A2'] }
 */
export function classify(profile: PolicyProfile, on: IsoDate, policy: PolicyConfig): Classification {
  const age = ageOn(profile.birthDate, on);
  if (age < ELIGIBLE_AGE) return { eligible: false, age, category: null, rules: [] };

  // 独居, 空巢, 留守, 失能 and 重残 as the national reference defines them (definitions.ts)
  const { lossOfAbility, livingAlone, emptyNest, leftBehind, severeDisability } = elderTypes(
    profile,
    on,
    policy,
  );
  const aloneOrEmptyNestOrLeftBehind = livingAlone || emptyNest || leftBehind;
  const under80 = age < OLDEST_AGE_LINE;
  const impaired = lossOfAbility || profile.dementia || profile.disabilityGrade !== undefined;

  const holds: Record<RuleCode, boolean> = {
    A1: lossOfAbility,
    A2: age >= OLDEST_AGE_LINE && aloneOrEmptyNestOrLeftBehind,
    A3: profile.lowIncome && aloneOrEmptyNestOrLeftBehind,
    A4: profile.familyPlanningSpecial && livingAlone,
    B1: under80 && severeDisability && livingAlone,
    B2: under80 && profile.living === 'couple' && (impaired || profile.partnerImpaired),
    B3: profile.caresForDisabledChild,
    C: false,
  };
  const rules = (Object.keys(holds) as RuleCode[]).filter((code) => holds[code]);
  if (rules.length === 0) return { eligible: true, age, category: 'C', rules: ['C'] };
  const category: Category = rules.some((r) => r.startsWith('A')) ? 'A' : 'B';
  return { eligible: true, age, category, rules };
}

const RANK: Record<Category, number> = { A: 0, B: 1, C: 2 };

/** True when a is a higher (more frequent visits) category than b. */
export function isHigherCategory(a: Category, b: Category): boolean {
  return RANK[a] < RANK[b];
}

/** The category in force: the computed one, or an administrator's raise when it is higher. */
export function effectiveCategory(computed: Category, override?: Category): Category {
  return override && isHigherCategory(override, computed) ? override : computed;
}

/**
 * The next date after `on` on which the elder's classification can change by age alone (the 80th
 * birthday), or undefined when none is ahead. The daily job re-classifies elders on these dates.
 */
export function nextAgeLine(birthDate: IsoDate, on: IsoDate): IsoDate | undefined {
  const line = dateOfAge(birthDate, OLDEST_AGE_LINE);
  return line > on ? line : undefined;
}
