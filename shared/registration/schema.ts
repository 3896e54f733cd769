import * as z from 'zod';
import { msg } from '../i18n/messages.js';
import { JIANGMEN_COUNTIES } from '../regions.js';
import { parseIsoDate } from '../time.js';
import {
  ABILITY_GRADES,
  CATEGORIES,
  CHANNELS,
  CONSENT,
  ELDER_STATUS,
  GENDERS,
  LANGUAGES,
  LIVING,
  RELATIONS,
  type Relation,
} from './fields.js';
import { readIdNumber } from './id-number.js';
import { toE164 } from './phone.js';

const text = (max: number) => z.string().trim().min(1, msg('text.required')).max(max);

/** A real calendar date as YYYY-MM-DD, from 1900 on. */
export const isoDateField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, msg('date.format'))
  .refine((v) => parseIsoDate(v) !== undefined, msg('date.invalid'))
  .refine((v) => v >= '1900-01-01', msg('date.tooOld'));

/** A mainland mobile or landline number, stored in E.164 (+86...). */
export const phoneField = z
  .string()
  .max(30)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: msg('phone.invalid') });
      return z.NEVER;
    }
    return e164;
  });

/** An 18-character resident ID, check digit verified (GB 11643); a lower-case x is accepted. */
export const idNumberField = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .superRefine((value, ctx) => {
    const read = readIdNumber(value);
    if (!read.ok) ctx.addIssue({ code: 'custom', message: msg(`idNumber.${read.problem}`) });
  });

const RELATION_ORDER: Record<Relation, number> = { child: 0, relative: 1, neighbour: 2, committee: 3 };

export const emergencyContactSchema = z.strictObject({
  name: text(50),
  relation: z.enum(RELATIONS),
  phone: phoneField,
});

export const refusalSchema = z.strictObject({
  date: isoDateField,
  note: text(500),
  recordedBy: text(50),
});

/** Builds the registration form for a set of county codes (Jiangmen's by default). */
export function makeRegistrationSchema(counties: Readonly<Record<string, unknown>> = JIANGMEN_COUNTIES) {
  return z
    .strictObject({
      name: text(50).describe('姓名 name'),
      gender: z.enum(GENDERS).describe('性别 gender'),
      birthDate: isoDateField.describe('出生日期 birth date, YYYY-MM-DD'),
      idNumber: idNumberField.optional().describe('身份证号 18-digit resident ID (optional)'),
      phone: phoneField.describe('联系电话 mainland mobile or landline; stored as E.164'),
      address: text(200).describe('住址 address'),
      region: z.strictObject({
        county: z
          .string()
          .refine((c) => Object.hasOwn(counties, c), msg('county.unknown'))
          .describe('县（市、区） 6-digit GB/T 2260 code'),
        township: text(50).describe('镇（街道） township or subdistrict'),
        village: text(50).describe('村（居） village or residents’ committee'),
      }),
      living: z.enum(LIVING).describe('居住情况 living arrangement'),
      emptyNest: z.boolean().default(false).describe('空巢 empty-nest'),
      leftBehind: z.boolean().default(false).describe('留守 left-behind'),
      ability: z.enum(ABILITY_GRADES).default('intact').describe('能力等级 GB/T 42195-2022 grade'),
      dementia: z.boolean().default(false).describe('失智 dementia'),
      disabilityGrade: z
        .number()
        .int()
        .min(1)
        .max(4)
        .optional()
        .describe('残疾等级 disability certificate grade 1-4'),
      lowIncome: z.boolean().default(false).describe('低保 minimum-living-allowance household'),
      familyPlanningSpecial: z
        .boolean()
        .default(false)
        .describe('计划生育特殊家庭 family-planning special family'),
      caresForDisabledChild: z
        .boolean()
        .default(false)
        .describe('长期照料失能、失智子女 carer of a disabled child'),
      partnerImpaired: z
        .boolean()
        .default(false)
        .describe('同住老人失能/失智/残疾 the other elder of a couple is impaired'),
      language: z.enum(LANGUAGES).default('yue').describe('language: yue Cantonese, cmn Mandarin'),
      channel: z.enum(CHANNELS).default('voice').describe('check-in channel'),
      emergencyContacts: z
        .array(emergencyContactSchema)
        .max(5)
        .default([])
        // the plan's order: children, then relatives, neighbours, committee staff; a stable sort keeps
        // the order given within each relation
        .transform((list) => list.toSorted((a, b) => RELATION_ORDER[a.relation] - RELATION_ORDER[b.relation]))
        .describe('紧急联系人 emergency contacts, children first'),
      contactId: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .optional()
        .describe('探访关爱服务联系人 paired visit contact id'),
      consent: z.enum(CONSENT).default('accepted').describe('接受服务意愿 consent'),
      refusal: refusalSchema.optional().describe('不愿接受服务的书面记录 written record of a refusal'),
    })
    .superRefine((form, ctx) => {
      if (form.idNumber) {
        const read = readIdNumber(form.idNumber);
        if (read.ok && read.birthDate !== form.birthDate)
          ctx.addIssue({ code: 'custom', path: ['idNumber'], message: msg('idNumber.birthDateMismatch') });
        if (read.ok && read.gender !== form.gender)
          ctx.addIssue({ code: 'custom', path: ['idNumber'], message: msg('idNumber.genderMismatch') });
      }
      if (form.partnerImpaired && form.living !== 'couple')
        ctx.addIssue({
          code: 'custom',
          path: ['partnerImpaired'],
          message: msg('partnerImpaired.notCouple'),
        });
      if (form.consent === 'refused' && !form.refusal)
        ctx.addIssue({ code: 'custom', path: ['refusal'], message: msg('refusal.required') });
      if (form.consent !== 'refused' && form.refusal)
        ctx.addIssue({ code: 'custom', path: ['refusal'], message: msg('refusal.notRefused') });
    });
}

export const registrationSchema = makeRegistrationSchema();
/** The registration form as sent (defaults optional). */
export type RegistrationInput = z.input<typeof registrationSchema>;
/** The registration form after validation and normalisation. */
export type Registration = z.output<typeof registrationSchema>;

/** What an administrator may set beside the form: a raised category with its reason, and the status. */
export const categoryOverrideSchema = z.strictObject({
  category: z.enum(CATEGORIES),
  reason: text(200),
});

export const elderStatusSchema = z.enum(ELDER_STATUS);
