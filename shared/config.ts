import { z } from 'zod';
import { JIANGMEN_COUNTIES } from './regions.js';
import { ABILITY_GRADES, type AbilityGrade } from './registration/fields.js';

/** The policy settings a county may change; passed into the domain, never read from the environment there. */
export interface PolicyConfig {
  /** county code → names; Jiangmen's seven plus any configured for other cities */
  counties: Readonly<Record<string, { zh: string; en: string }>>;
  /** the lowest ability grade that counts as loss of ability in a county (default: mild) */
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
  const fallback = thresholds['*'] ?? 'mild';
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
