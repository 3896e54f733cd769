import * as z from 'zod';
import { makePolicyConfig } from '../../shared/config.js';
import { CONTACT_ROLES } from '../../shared/contacts/contact.js';
import type { FieldError } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { phoneVisitPolicySchema, providerLimitsSchema } from '../../shared/phone/config.js';
import { classify } from '../../shared/policy/classify.js';
import { makeRegistrationSchema, phoneField } from '../../shared/registration/schema.js';
import { personKey } from '../../shared/store/keys.js';
import { dateInPolicyZone } from '../../shared/time.js';
import { parseOrErrors } from '../../shared/validation.js';
import { simMsg } from './messages.js';

/**
 * The scenario file of `npm run simulate`: one zod schema, the single source for validation, the
 * TypeScript types and docs/scenario.schema.json.
 */

/** The register's policy the simulation runs with: Jiangmen's counties and the plan's thresholds. */
export const SIMULATION_POLICY = makePolicyConfig();

export const VOICE_BEHAVIOURS = ['press-1', 'press-2', 'no-answer', 'busy', 'answer-silent'] as const;
export const SMS_BEHAVIOURS = ['reply-1', 'reply-2', 'reply-td', 'no-reply'] as const;
export const CONTACT_BEHAVIOURS = ['ack', 'ignore'] as const;
export const HOME_VISIT_BEHAVIOURS = ['visit-on-day', 'after-digest', 'never'] as const;

export type VoiceBehaviour = (typeof VOICE_BEHAVIOURS)[number];

const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, simMsg('id.format'));
const voiceBehaviour = z.enum(VOICE_BEHAVIOURS);

export const elderBehaviourSchema = z.strictObject({
  voice: z
    .union([voiceBehaviour, z.array(voiceBehaviour).min(1)], { error: simMsg('voice.behaviour') })
    .default('press-1')
    .describe('how the elder answers check-in calls; a list is used one per call, its last entry repeating'),
  sms: z
    .enum(SMS_BEHAVIOURS)
    .default('no-reply')
    .describe('how the elder answers check-in texts (reply-td: 退订, opting out of texts)'),
  replyDelayMinutes: z
    .number()
    .int()
    .min(0)
    .max(600)
    .optional()
    .describe('minutes before a text reply; default 1-10, drawn from the seed'),
});

/** An elder: the registration form (validated by the register's own schema) plus id and behaviour. */
export const scenarioElderSchema = makeRegistrationSchema(SIMULATION_POLICY.counties).safeExtend({
  id: idSchema.describe('the scenario’s own id for the elder; results use it'),
  behaviour: elderBehaviourSchema.prefault({}).describe('how the elder’s simulated phone behaves'),
});

export const scenarioContactSchema = z.strictObject({
  id: idSchema.describe('the scenario’s own id; elders name it in contactId'),
  name: z.string().trim().min(1).max(50).describe('姓名 name'),
  phone: phoneField.describe('mainland mobile or landline; stored as E.164'),
  role: z.enum(CONTACT_ROLES).default('committeeStaff').describe('role of the visit contact'),
  behaviour: z
    .enum(CONTACT_BEHAVIOURS)
    .describe('ack: texts back the case code and presses 1 on escalation calls; ignore: never answers'),
  delayMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .optional()
    .describe('minutes before acknowledging a case text; default 5-30, drawn from the seed'),
  homeVisits: z
    .strictObject({
      behaviour: z
        .enum(HOME_VISIT_BEHAVIOURS, { error: simMsg('homeVisits.behaviour') })
        .default('never')
        .describe(
          'visit-on-day: visits every paired elder with a home visit due on `day`; after-digest: ' +
            'visits every elder a morning digest mentions, `delayMinutes` after it; never (default)',
        ),
      day: z
        .number()
        .int()
        .min(1)
        .max(62)
        .optional()
        .describe(
          'visit-on-day: the day of the scenario (1 = the first) on which the contact visits, at 10:00',
        ),
      reply: z
        .union([z.literal(1), z.literal(2), z.literal(3)], { error: simMsg('homeVisits.reply') })
        .default(1)
        .describe(
          'what the contact texts after each visit, `<code> <reply>`: 1 well, 2 needs follow-up, 3 not at home',
        ),
      delayMinutes: z
        .number()
        .int()
        .min(0)
        .max(12 * 60)
        .optional()
        .describe('after-digest: minutes after the digest; default 60'),
    })
    .optional()
    .describe(
      'home visits the contact makes and records by text; a contact with homeVisits turns the morning digests on',
    ),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of docs/scenario.schema.json, for editors'),
    description: z.string().max(2000).optional().describe('what the scenario shows, for people'),
    start: z.iso
      .datetime({ offset: true, error: simMsg('start.format') })
      .describe('when the simulation starts: ISO-8601 with an offset, e.g. 2025-07-01T08:00:00+08:00'),
    days: z.number().int().min(1).max(62).describe('how many days to simulate'),
    seed: z.number().int().describe('seeds every random choice of the simulator: same seed, same run'),
    elders: z.array(scenarioElderSchema).min(1).max(1000),
    contacts: z.array(scenarioContactSchema).max(200).default([]),
    config: z
      .strictObject({
        phonePolicy: phoneVisitPolicySchema
          .prefault({})
          .describe('phone-visit policy for every county; fields left out keep the plan’s defaults'),
        limits: providerLimitsSchema.prefault({}).describe('provider limits the dispatcher paces to'),
        reminders: z
          .boolean()
          .optional()
          .describe(
            'run the home-visit digests every day at 08:30 Asia/Shanghai; default: when some contact has homeVisits',
          ),
      })
      .prefault({}),
  })
  .superRefine(
    (scenario, ctx) => {
      const issue = (path: (string | number)[], message: string) =>
        ctx.addIssue({ code: 'custom', path, message });
      const contactIds = new Set<string>();
      const phones = new Set<string>();
      scenario.contacts.forEach((c, i) => {
        if (c.homeVisits?.behaviour === 'visit-on-day') {
          if (c.homeVisits.day === undefined)
            issue(['contacts', i, 'homeVisits', 'day'], simMsg('homeVisits.dayRequired'));
          else if (c.homeVisits.day > scenario.days)
            issue(['contacts', i, 'homeVisits', 'day'], simMsg('homeVisits.dayOutOfRange'));
        }
        if (contactIds.has(c.id)) issue(['contacts', i, 'id'], simMsg('contact.duplicateId'));
        contactIds.add(c.id);
        if (phones.has(c.phone)) issue(['contacts', i, 'phone'], simMsg('phone.duplicate'));
        phones.add(c.phone);
      });
      const elderIds = new Set<string>();
      const persons = new Set<string>();
      const today = dateInPolicyZone(new Date(scenario.start));
      scenario.elders.forEach((e, i) => {
        if (elderIds.has(e.id)) issue(['elders', i, 'id'], simMsg('elder.duplicateId'));
        elderIds.add(e.id);
        if (phones.has(e.phone)) issue(['elders', i, 'phone'], simMsg('phone.duplicate'));
        phones.add(e.phone);
        if (e.contactId !== undefined && !contactIds.has(e.contactId))
          issue(['elders', i, 'contactId'], simMsg('contact.unknown'));
        const person = personKey(e).pk;
        if (persons.has(person))
          issue(['elders', i, e.idNumber ? 'idNumber' : 'name'], msg('elder.duplicate'));
        persons.add(person);
        if (!classify(e, today, SIMULATION_POLICY).eligible)
          issue(['elders', i, 'birthDate'], msg('elder.underAge'));
      });
    },
    // across fields: only once every field is valid on its own
    { when: (payload) => payload.issues.length === 0 },
  );

/** A scenario as written in the file (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario, defaults filled in and phones in E.164. */
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioElder = Scenario['elders'][number];
export type ScenarioContact = Scenario['contacts'][number];

/** The scenario file is not valid: every problem with the path it concerns. */
export class ScenarioInvalid extends Error {
  override readonly name = 'ScenarioInvalid';
  constructor(readonly errors: FieldError[]) {
    super(formatScenarioErrors(errors));
  }
}

/**
 * Validates a scenario; messages are Chinese first, then English, each naming its path.
 * @example parseScenario({ start: '2025-07-01T08:00:00+08:00', days: 7, seed: 1, elders: [...] })
 */
export function parseScenario(
  input: unknown,
): { ok: true; scenario: Scenario } | { ok: false; errors: FieldError[] } {
  const result = parseOrErrors(scenarioSchema, input);
  return result.ok ? { ok: true, scenario: result.value } : result;
}

/** Like parseScenario, but throws ScenarioInvalid. */
export function parseScenarioOrThrow(input: unknown): Scenario {
  const result = parseScenario(input);
  if (!result.ok) throw new ScenarioInvalid(result.errors);
  return result.scenario;
}

/**
 * One line per problem under a bilingual heading.
 * @example formatScenarioErrors([{ path: 'days', message: '数值过大… / Too big…' }])
 *   // '场景文件有误 / The scenario is not valid:\n  days: 数值过大… / Too big…'
 */
export function formatScenarioErrors(errors: FieldError[]): string {
  const lines = errors.map((e) => `  ${e.path || '(场景 scenario)'}: ${e.message}`);
  return [`${simMsg('scenario.invalid')}:`, ...lines].join('\n');
}

/** The scenario format as JSON Schema (draft 2020-12), input side: what an author writes. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    title: '安心模拟场景 Anxin simulation scenario',
    description:
      'Input of `npm run simulate -- scenario.json`: elders (registration form + id + behaviour), contacts, ' +
      'start, days, seed and optional phone-visit policy and provider limits. See docs/simulation.md.',
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
  };
}
