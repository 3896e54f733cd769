import { type CalendarDate, parseIsoDate } from '../time.js';
import type { Gender } from './fields.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The GB 11643 check character of the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

export type IdNumberProblem = 'format' | 'checksum' | 'birthDate';

/**
 * Checks an 18-character resident ID number (GB 11643-1999) and reads the birth date and gender in it.
 * @example readIdNumber('11010519491231002X') // { ok: true, birthDate: '1949-12-31', gender: 'female' }
 */
export function readIdNumber(
  value: string,
): { ok: true; birthDate: string; gender: Gender } | { ok: false; problem: IdNumberProblem } {
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: 'format' };
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'checksum' };
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const parsed: CalendarDate | undefined = parseIsoDate(birthDate);
  if (!parsed || parsed.year < 1880) return { ok: false, problem: 'birthDate' };
  return { ok: true, birthDate, gender: Number(value[16]) % 2 === 1 ? 'male' : 'female' };
}

/** Builds a valid ID number (synthetic data and tests): region code, birth date, sequence 0-999. */
export function makeIdNumber(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

/**
 * The 18-character form of an old 15-digit ID number (GB 11643-1999 appendix): the year gains "19"
 * (15-digit numbers were issued to people born 1900–1999) and the check character is computed.
 * Anything that is not 15 digits is returned as it came.
 * @example upgradeIdNumber('440703450302123') // '44070319450302123' + check character
 */
export function upgradeIdNumber(value: string): string {
  if (!/^\d{15}$/.test(value)) return value;
  const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
  return first17 + idNumberCheckChar(first17);
}
