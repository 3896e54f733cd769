import { makePolicyConfig } from '../../shared/config.js';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import type { RegistrationInput } from '../../shared/registration/schema.js';

export const policy = makePolicyConfig();

let sequence = 0;

/**
 * A valid registration body (synthetic person) with overrides; `age` and `on` set the birth date so the
 * elder is that age on that date (default on 2025-07-01).
 * @example aRegistration({ age: 81, living: 'alone' })
 */
export function aRegistration(
  overrides: Partial<RegistrationInput> & { age?: number; on?: string; withId?: boolean } = {},
): RegistrationInput {
  const { age = 70, on = '2025-07-01', withId = true, ...rest } = overrides;
  sequence = (sequence + 1) % 1000;
  // birthday a few days after `on` in the month, so the elder is exactly `age` on `on`
  const birthDate = rest.birthDate ?? shiftYears(on, -(age + 1), 10);
  const gender = rest.gender ?? (sequence % 2 === 0 ? 'female' : 'male');
  const seq = gender === 'male' ? (sequence * 2 + 1) % 1000 : (sequence * 2) % 1000;
  return {
    name: `测试老人${sequence}`,
    gender,
    birthDate,
    ...(withId ? { idNumber: makeIdNumber('440703', birthDate, seq) } : {}),
    phone: `1380013${String(8000 + sequence).slice(-4)}`,
    address: '江门市蓬江区测试路1号',
    region: { county: '440703', township: '潮连街道', village: '芝山村' },
    living: 'withFamily',
    ...rest,
  };
}

/** The date `years` after (or before) `on`, then `days` later: a birthday just after `on`. */
function shiftYears(on: string, years: number, days: number): string {
  const base = new Date(`${on}T00:00:00Z`);
  base.setUTCFullYear(base.getUTCFullYear() + years);
  base.setUTCDate(base.getUTCDate() + days);
  return base.toISOString().slice(0, 10);
}
