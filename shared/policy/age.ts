import { formatIsoDate, type IsoDate, parseIsoDate } from '../time.js';

function parts(date: IsoDate) {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new RangeError(`not a calendar date: ${date}`);
  return parsed;
}

/**
 * Age in full years (周岁) on a calendar date. A 29 February birthday turns over on 1 March in
 * common years, because (2, 28) still sorts before (2, 29).
 * @example ageOn('1945-07-01', '2025-07-01') // 80
 * @example ageOn('1944-02-29', '2025-02-28') // 80 (turns 81 on 2025-03-01)
 */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  const b = parts(birthDate);
  const d = parts(on);
  const beforeBirthday = d.month < b.month || (d.month === b.month && d.day < b.day);
  return d.year - b.year - (beforeBirthday ? 1 : 0);
}

/**
 * The date on which someone born on birthDate reaches the given age.
 * @example dateOfAge('1944-02-29', 81) // '2025-03-01'
 */
export function dateOfAge(birthDate: IsoDate, age: number): IsoDate {
  const b = parts(birthDate);
  const year = b.year + age;
  if (b.month === 2 && b.day === 29 && !parseIsoDate(`${year}-02-29`))
    return formatIsoDate({ year, month: 3, day: 1 });
  return formatIsoDate({ year, month: b.month, day: b.day });
}
