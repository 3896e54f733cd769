import * as z from 'zod';
import { CATEGORIES, type Category } from '../registration/fields.js';
import { type CallWindow, DEFAULT_WINDOWS } from './windows.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
export const callWindowSchema = z.strictObject({ start: hhmm, end: hhmm }).refine((w) => w.end > w.start, {
  message: '结束时间须晚于开始时间 / end must be after start',
});

/** How phone visits run in a county; every field has the plan's default. */
export const phoneVisitPolicySchema = z.strictObject({
  /** days between check-ins, by category */
  cadenceDays: z
    .strictObject({ A: z.number().positive(), B: z.number().positive(), C: z.number().positive() })
    .default({ A: 3, B: 7, C: 14 }),
  windows: z
    .array(callWindowSchema)
    .min(1)
    .max(6)
    .default([...DEFAULT_WINDOWS]),
  retry: z
    .strictObject({
      delayMinutes: z.number().int().min(5).max(240).default(30),
      maxCalls: z.number().int().min(1).max(6).default(3),
      textAfterCalls: z.boolean().default(true),
      escalateAfterMinutes: z
        .number()
        .int()
        .min(30)
        .max(24 * 60)
        .default(240),
    })
    .default({ delayMinutes: 30, maxCalls: 3, textAfterCalls: true, escalateAfterMinutes: 240 }),
  escalation: z
    .strictObject({
      ackMinutes: z
        .number()
        .int()
        .min(5)
        .max(24 * 60)
        .default(60),
      /** the committee's duty phone and the township supervisor, by township name ("*" for the county) */
      dutyPhones: z.record(z.string(), z.array(z.string().regex(/^\+\d{6,15}$/)).min(1)).default({}),
    })
    .default({ ackMinutes: 60, dutyPhones: {} }),
});

export type PhoneVisitPolicy = z.output<typeof phoneVisitPolicySchema>;

export const DEFAULT_PHONE_POLICY: PhoneVisitPolicy = phoneVisitPolicySchema.parse({});

/** Provider limits the dispatcher paces to (Chime and SMS defaults). */
export const providerLimitsSchema = z.strictObject({
  callsPerSecond: z.number().positive().default(1),
  callsInProgress: z.number().int().positive().default(10),
  smsPartsPerSecond: z.number().positive().default(10),
});
export type ProviderLimits = z.output<typeof providerLimitsSchema>;
export const DEFAULT_LIMITS: ProviderLimits = providerLimitsSchema.parse({});

/** The policy of a county, falling back to the default. */
export function policyFor(
  policies: Readonly<Record<string, PhoneVisitPolicy>>,
  county: string,
): PhoneVisitPolicy {
  return Object.hasOwn(policies, county)
    ? (policies[county] as PhoneVisitPolicy)
    : (policies['*'] ?? DEFAULT_PHONE_POLICY);
}

export function cadenceMs(policy: PhoneVisitPolicy, category: Category): number {
  return policy.cadenceDays[category] * 86_400_000;
}

export type { CallWindow };
export { CATEGORIES };
