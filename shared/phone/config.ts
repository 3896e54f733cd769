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

/**
 * Provider limits the dispatcher paces to (Chime and SMS defaults), per carrier. `reservedForPriority`
 * places among the calls in progress are kept for check-ins staff ask for by hand; `faults` is when
 * dialling pauses: that share of a county's attempts failed by the carrier over the window.
 */
export const carrierFaultsSchema = z.strictObject({
  share: z.number().positive().max(1).default(0.2),
  windowMinutes: z.number().int().min(1).max(120).default(10),
  /** fewer attempts than this in the window never pause dialling */
  minAttempts: z.number().int().min(1).default(10),
});
export type CarrierFaults = z.output<typeof carrierFaultsSchema>;
export const DEFAULT_FAULTS: CarrierFaults = carrierFaultsSchema.parse({});
/** Places kept for priority calls when the limits do not say (never more than the limit less one). */
export const DEFAULT_RESERVED_FOR_PRIORITY = 1;

export const providerLimitsSchema = z.strictObject({
  callsPerSecond: z.number().positive().default(1),
  callsInProgress: z.number().int().positive().max(1000).default(10),
  smsPartsPerSecond: z.number().positive().default(10),
  reservedForPriority: z.number().int().min(0).max(100).optional(),
  faults: carrierFaultsSchema.optional(),
});
export type ProviderLimits = z.output<typeof providerLimitsSchema>;
export const DEFAULT_LIMITS: ProviderLimits = providerLimitsSchema.parse({});

/** Carriers whose limits may be configured (issue 12 adds the mainland ones). */
export const CARRIERS = ['chime', 'aliyun', 'tencent', 'local'] as const;
export type Carrier = (typeof CARRIERS)[number];

/**
 * PROVIDER_LIMITS: one carrier's limits (`{"callsInProgress": 50}`, taken as Chime's) or limits by
 * carrier (`{"chime": {...}, "aliyun": {...}}`); the limits of `carrier`, defaults for what is unset.
 */
export function limitsFor(raw: unknown, carrier: Carrier): ProviderLimits {
  const byCarrier =
    raw &&
    typeof raw === 'object' &&
    Object.keys(raw).some((k) => (CARRIERS as readonly string[]).includes(k));
  if (!byCarrier) return providerLimitsSchema.parse(raw ?? {});
  const all = z.partialRecord(z.enum(CARRIERS), z.unknown()).parse(raw);
  return providerLimitsSchema.parse(all[carrier] ?? {});
}

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
