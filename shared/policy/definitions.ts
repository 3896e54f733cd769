/**
 * The Ministry of Civil Affairs' reference definitions (特殊困难老年人参考定义, 2024) as pure functions.
 * Sources and boundaries are written out in docs/definitions.md.
 */
import type { PolicyConfig } from '../config.js';
import { ABILITY_GRADES, type AbilityGrade } from '../registration/fields.js';
import { formatIsoDate, type IsoDate, parseIsoDate } from '../time.js';
import { ageOn } from './age.js';

/** 高龄: 80 or older, 80 included. */
export const ADVANCED_AGE = 80;
/** 失能、半失能 in the reference: assessed at 65 points or below (moderate or worse). */
export const REFERENCE_LOSS_OF_ABILITY_FROM: AbilityGrade = 'moderate';
/** 留守: children away from the registered home for six months or more. */
export const LEFT_BEHIND_MONTHS = 6;

/** Lowest score of each grade of GB/T 42195-2022 (intact 90+, mild 66-89, moderate 46-65, severe 30-45). */
const GRADE_FLOORS: readonly [AbilityGrade, number][] = [
  ['intact', 90],
  ['mild', 66],
  ['moderate', 46],
  ['severe', 30],
  ['total', 0],
];

/**
 * The ability grade of an assessment score (0-100); dementia raises it one grade (total stays total).
 * @example gradeOfScore(65, false) // 'moderate'
 * @example gradeOfScore(66, false) // 'mild'
 * @example gradeOfScore(66, true) // 'moderate'
 */
export function gradeOfScore(score: number, dementia: boolean): AbilityGrade {
  const grade = GRADE_FLOORS.find(([, floor]) => score >= floor)?.[0] ?? 'total';
  if (!dementia) return grade;
  const index = Math.min(ABILITY_GRADES.indexOf(grade) + 1, ABILITY_GRADES.length - 1);
  return ABILITY_GRADES[index] as AbilityGrade;
}

/** True when a grade counts as loss of ability where `threshold` is the lowest grade that does. */
export function hasLossOfAbility(ability: AbilityGrade, threshold: AbilityGrade): boolean {
  return ABILITY_GRADES.indexOf(ability) >= ABILITY_GRADES.indexOf(threshold);
}

/**
 * The date `months` calendar months before `on` (a day that does not exist falls back to the month's
 * last day). @example monthsBefore('2025-08-31', 6) // '2025-02-28'
 */
export function monthsBefore(on: IsoDate, months: number): IsoDate {
  const d = parseIsoDate(on);
  if (!d) throw new RangeError(`not a calendar date: ${on}`);
  const index = d.year * 12 + (d.month - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  let day = d.day;
  while (!parseIsoDate(formatIsoDate({ year, month, day }))) day--;
  return formatIsoDate({ year, month, day });
}

/** Where the partner lives: none (no partner), in the same home, in the same city district or county, elsewhere. */
export const PARTNER_PLACES = ['none', 'sameHome', 'sameArea', 'elsewhere'] as const;
export type PartnerPlace = (typeof PARTNER_PLACES)[number];

/** The household as the reference's tests need it. */
export interface Household {
  partner: PartnerPlace;
  /** children living */
  children: number;
  /** of them, living in the same city district or county as the elder (same home included) */
  childrenNearby: number;
  /** since when the children have been away from the registered home (for work), if they are */
  childrenAwaySince?: IsoDate | undefined;
}

/** What the definitions read of an elder record or a registration form. */
export interface DefinitionProfile {
  birthDate: IsoDate;
  living: 'alone' | 'couple' | 'withFamily' | 'other';
  emptyNest: boolean;
  leftBehind: boolean;
  ability: AbilityGrade;
  dementia: boolean;
  disabilityGrade?: number | undefined;
  assessment?: { score: number } | undefined;
  household?: Household | undefined;
  registeredHome?: 'rural' | 'urban' | undefined;
  region: { county: string };
}

/** The types the reference defines, as they hold for one elder on one date. */
export interface ElderTypes {
  /** 独居 */
  livingAlone: boolean;
  /** 空巢 */
  emptyNest: boolean;
  /** 留守 */
  leftBehind: boolean;
  /** 失能 (at or past the county's threshold; the reference's is moderate, 65 points or below) */
  lossOfAbility: boolean;
  /** 高龄 */
  advancedAge: boolean;
  /** 重残: certificate grade 1 or 2 */
  severeDisability: boolean;
}

/** The grade in force: from the assessment's score when there is one, else the grade recorded. */
export function abilityOf(
  profile: Pick<DefinitionProfile, 'ability' | 'dementia' | 'assessment'>,
): AbilityGrade {
  return profile.assessment ? gradeOfScore(profile.assessment.score, profile.dementia) : profile.ability;
}

/**
 * The reference's types on a date. With a household recorded, 独居, 空巢 and 留守 follow from it (the
 * bare flags are only read for records without one):
 * - 独居: lives alone, no partner or the partner not in the same city district or county, and no child
 *   in it either;
 * - 空巢: two elders living together (living `couple`) with no child in the same district or county;
 * - 留守: a rural registered home (户籍), children, none nearby, away for six months or more.
 * @example elderTypes({ ...p, living: 'alone', household: { partner: 'none', children: 1, childrenNearby: 0 } }, '2025-07-01', policy).livingAlone // true
 */
export function elderTypes(
  profile: DefinitionProfile,
  on: IsoDate,
  policy: Pick<PolicyConfig, 'lossOfAbilityFrom'>,
): ElderTypes {
  const h = profile.household;
  const noChildNearby = h !== undefined && h.childrenNearby === 0;
  const livingAlone = h
    ? profile.living === 'alone' && noChildNearby && (h.partner === 'none' || h.partner === 'elsewhere')
    : profile.living === 'alone';
  const emptyNest = h ? profile.living === 'couple' && noChildNearby : profile.emptyNest;
  const leftBehind =
    h && profile.registeredHome
      ? profile.registeredHome === 'rural' &&
        h.children > 0 &&
        noChildNearby &&
        h.childrenAwaySince !== undefined &&
        h.childrenAwaySince <= monthsBefore(on, LEFT_BEHIND_MONTHS)
      : profile.leftBehind;
  return {
    livingAlone,
    emptyNest,
    leftBehind,
    lossOfAbility: hasLossOfAbility(abilityOf(profile), policy.lossOfAbilityFrom(profile.region.county)),
    advancedAge: ageOn(profile.birthDate, on) >= ADVANCED_AGE,
    severeDisability: profile.disabilityGrade === 1 || profile.disabilityGrade === 2,
  };
}
