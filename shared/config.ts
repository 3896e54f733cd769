import * as z from 'zod';
import { OidcConfig } from './auth/oidc-config.js';
import {
  CARRIERS,
  type Carrier,
  limitsFor,
  type PhoneVisitPolicy,
  type ProviderLimits,
  phoneVisitPolicySchema,
} from './phone/config.js';
import { REFERENCE_LOSS_OF_ABILITY_FROM } from './policy/definitions.js';
import { JIANGMEN_COUNTIES } from './regions.js';
import { ABILITY_GRADES, type AbilityGrade } from './registration/fields.js';

/** The policy settings a county may change; passed into the domain, never read from the environment there. */
export interface PolicyConfig {
  /** county code → names; Jiangmen's seven plus any configured for other cities */
  counties: Readonly<Record<string, { zh: string; en: string }>>;
  /**
   * the lowest ability grade that counts as loss of ability in a county (default: moderate, the
   * reference's 65 points or below)
   */
  lossOfAbilityFrom: (county: string) => AbilityGrade;
}

export interface AppConfig {
  tableName: string;
  /** set locally (DynamoDB Local); absent on AWS */
  dynamodbEndpoint: string | undefined;
  policy: PolicyConfig;
}

const countyCode = z.string().regex(/^\d{6}$/);
const jsonOf = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** other cities' counties: {"440103": {"zh": "荔湾区", "en": "Liwan"}} */
  ANXIN_COUNTIES: jsonOf(
    z.record(countyCode, z.object({ zh: z.string().min(1), en: z.string().min(1) })),
  ).optional(),
  /** per-county threshold: {"440781": "moderate"}; "*" sets the default */
  ANXIN_LOSS_OF_ABILITY_FROM: jsonOf(
    z.record(z.union([countyCode, z.literal('*')]), z.enum(ABILITY_GRADES)),
  ).optional(),
});

/** Builds the policy settings; with no arguments, the plan's defaults for Jiangmen. */
export function makePolicyConfig(
  extraCounties: Record<string, { zh: string; en: string }> = {},
  thresholds: Partial<Record<string, AbilityGrade>> = {},
): PolicyConfig {
  const fallback = thresholds['*'] ?? REFERENCE_LOSS_OF_ABILITY_FROM;
  return {
    counties: { ...JIANGMEN_COUNTIES, ...extraCounties },
    lossOfAbilityFrom: (county) =>
      (Object.hasOwn(thresholds, county) ? thresholds[county] : undefined) ?? fallback,
  };
}

/**
 * Reads the environment once (at cold start). A missing or bad variable fails with its name.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`配置错误 / bad configuration: ${names}`);
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    policy: makePolicyConfig(e.ANXIN_COUNTIES ?? {}, e.ANXIN_LOSS_OF_ABILITY_FROM ?? {}),
  };
}

const phoneEnvSchema = z.object({
  /** per-county phone-visit policy overrides: {"440781": {"cadenceDays": {"A": 2, "B": 7, "C": 14}}}; "*" for all */
  PHONE_POLICIES: jsonOf(z.record(z.string(), z.unknown())).optional(),
  PROVIDER_LIMITS: jsonOf(z.unknown()).optional(),
  DISPATCH_QUEUE_URL: z.string().optional(),
  /** escalation steps and one-off texts: never behind check-in calls */
  URGENT_QUEUE_URL: z.string().optional(),
  CHIME_SMA_ID: z.string().optional(),
  CHIME_FROM_NUMBER: z.string().optional(),
  /** the voice carrier whose limits apply (PROVIDER_LIMITS may hold several) */
  VOICE_CARRIER: z.enum(CARRIERS).optional(),
});

export interface PhoneConfig {
  phonePolicies: Record<string, PhoneVisitPolicy>;
  carrier: Carrier;
  limits: ProviderLimits;
  dispatchQueueUrl: string | undefined;
  urgentQueueUrl: string | undefined;
  chimeSmaId: string | undefined;
  chimeFromNumber: string | undefined;
}

/** Parses per-county policies; each is the plan's default with the county's overrides. */
export function parsePhonePolicies(raw: Record<string, unknown>): Record<string, PhoneVisitPolicy> {
  return Object.fromEntries(
    Object.entries(raw).map(([county, value]) => [county, phoneVisitPolicySchema.parse(value)]),
  );
}

/** Reads the phone-visit settings once (at cold start); a bad variable fails with its name. */
export function loadPhoneConfig(env: Record<string, string | undefined> = process.env): PhoneConfig {
  const parsed = phoneEnvSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`配置错误 / bad configuration: ${names}`);
  }
  const e = parsed.data;
  try {
    return {
      phonePolicies: parsePhonePolicies(e.PHONE_POLICIES ?? {}),
      carrier: e.VOICE_CARRIER ?? 'chime',
      limits: limitsFor(e.PROVIDER_LIMITS, e.VOICE_CARRIER ?? 'chime'),
      dispatchQueueUrl: e.DISPATCH_QUEUE_URL,
      urgentQueueUrl: e.URGENT_QUEUE_URL,
      chimeSmaId: e.CHIME_SMA_ID,
      chimeFromNumber: e.CHIME_FROM_NUMBER,
    };
  } catch (error) {
    throw new Error(
      `配置错误 / bad configuration: PHONE_POLICIES or PROVIDER_LIMITS: ${(error as Error).message}`,
    );
  }
}

// --- visit links (issue 4, section 3) ---
const linkEnvSchema = z.object({
  /** local and dev only: the link-signing secret itself (at least 32 characters) */
  LINK_SIGNING_SECRET: z.string().min(32).optional(),
  /** on AWS: the Secrets Manager secret holding it, read at cold start */
  LINK_SIGNING_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** where links in texts point (the HTTP API's URL, or a short domain in front of it) */
  PUBLIC_BASE_URL: z.url().optional(),
});

export interface LinkConfig {
  secret: string | undefined;
  secretArn: string | undefined;
  baseUrl?: string | undefined;
}

/** Reads where the visit-link signing secret comes from; a bad or missing variable fails with its name. */
export function loadLinkConfig(env: Record<string, string | undefined> = process.env): LinkConfig {
  const parsed = linkEnvSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`配置错误 / bad configuration: ${names}`);
  }
  const e = parsed.data;
  if (!e.LINK_SIGNING_SECRET && !e.LINK_SIGNING_SECRET_ARN) {
    throw new Error(
      '配置错误 / bad configuration: LINK_SIGNING_SECRET or LINK_SIGNING_SECRET_ARN is required',
    );
  }
  return { secret: e.LINK_SIGNING_SECRET, secretArn: e.LINK_SIGNING_SECRET_ARN, baseUrl: e.PUBLIC_BASE_URL };
}
// --- end visit links ---

// --- campaigns (issue 5) ---
const campaignEnvSchema = z.object({
  /** campaigns reaching more elders than this need a second administrator's approval (default 500) */
  CAMPAIGN_APPROVAL_THRESHOLD: z.coerce.number().int().min(0).default(500),
  /** local and dev only: the secret CAP alert feeds sign with (HMAC-SHA256), at least 32 characters */
  CAP_SECRET: z.string().min(32).optional(),
  /** on AWS: the Secrets Manager secret holding it, read at cold start */
  CAP_SECRET_ARN: z.string().startsWith('arn:').optional(),
});

export interface CampaignConfig {
  approvalThreshold: number;
  /** absent: the CAP endpoint refuses every alert (nothing verifies without a secret) */
  capSecret: string | undefined;
  capSecretArn: string | undefined;
}

/** Reads the campaign settings once (at cold start); a bad variable fails with its name. */
export function loadCampaignConfig(env: Record<string, string | undefined> = process.env): CampaignConfig {
  const parsed = campaignEnvSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`配置错误 / bad configuration: ${names}`);
  }
  const e = parsed.data;
  return {
    approvalThreshold: e.CAMPAIGN_APPROVAL_THRESHOLD,
    capSecret: e.CAP_SECRET,
    capSecretArn: e.CAP_SECRET_ARN,
  };
}
// --- end campaigns ---

// --- signals (issue 16, h16) ---
const signalsEnvSchema = z.object({
  /** local and dev only: the secret vendor platforms sign reading batches with, at least 32 characters */
  SIGNALS_SECRET: z.string().min(32).optional(),
  /** on AWS: the Secrets Manager secret holding it, read at cold start */
  SIGNALS_SECRET_ARN: z.string().startsWith('arn:').optional(),
});

/** Where the signals secret comes from; absent both, every batch is refused as unsigned. */
export function loadSignalsConfig(env: Record<string, string | undefined> = process.env): {
  secret: string | undefined;
  secretArn: string | undefined;
} {
  const parsed = signalsEnvSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`配置错误 / bad configuration: ${names}`);
  }
  return { secret: parsed.data.SIGNALS_SECRET, secretArn: parsed.data.SIGNALS_SECRET_ARN };
}
// --- end signals ---

// --- campaign execution (issue 5, section 2) ---
const campaignRunEnvSchema = z.object({
  /** the EventBridge Scheduler group the campaigns' one-time schedules are created in */
  SCHEDULER_GROUP: z.string().min(1).max(64),
  /** the role Scheduler assumes to invoke the campaigns function */
  SCHEDULER_ROLE_ARN: z.string().startsWith('arn:'),
  /** the campaigns function the schedules invoke */
  CAMPAIGNS_FUNCTION_ARN: z.string().startsWith('arn:'),
  /** where Scheduler puts a start or finish it could not deliver */
  SCHEDULER_DEAD_LETTER_ARN: z.string().startsWith('arn:').optional(),
});

export interface CampaignRunConfig {
  schedulerGroup: string;
  schedulerRoleArn: string;
  campaignsFunctionArn: string;
  schedulerDeadLetterArn: string | undefined;
}

/** Reads where campaign schedules go (the campaign API creates them); a bad variable fails with its name. */
export function loadCampaignRunConfig(
  env: Record<string, string | undefined> = process.env,
): CampaignRunConfig {
  const parsed = campaignRunEnvSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`配置错误 / bad configuration: ${names}`);
  }
  const e = parsed.data;
  return {
    schedulerGroup: e.SCHEDULER_GROUP,
    schedulerRoleArn: e.SCHEDULER_ROLE_ARN,
    campaignsFunctionArn: e.CAMPAIGNS_FUNCTION_ARN,
    schedulerDeadLetterArn: e.SCHEDULER_DEAD_LETTER_ARN,
  };
}

/** The campaigns function's own queue, where it leaves the rest of a long activation for its next run. */
export function loadCampaignQueueConfig(env: Record<string, string | undefined> = process.env): {
  queueUrl: string;
} {
  const parsed = z.object({ CAMPAIGNS_QUEUE_URL: z.url() }).safeParse(env);
  if (!parsed.success) throw new Error('配置错误 / bad configuration: CAMPAIGNS_QUEUE_URL is required');
  return { queueUrl: parsed.data.CAMPAIGNS_QUEUE_URL };
}
// --- end campaign execution ---

/**
 * The China profile's identity settings (issue 12): `ANXIN_OIDC` is the JSON of shared/auth/oidc.ts's
 * OidcConfig (issuer, audience, jwksUri, claim names, role values). Read once at the authorizer's cold start.
 */
export function loadOidcConfig(env: Record<string, string | undefined> = process.env): OidcConfig {
  const parsed = z.object({ ANXIN_OIDC: jsonOf(OidcConfig) }).safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`配置错误 / bad configuration: ${names}`);
  }
  return parsed.data.ANXIN_OIDC;
}
