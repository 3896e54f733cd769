import * as z from 'zod';
import { msg } from '../i18n/messages.js';
import { abilityOf, PARTNER_PLACES } from '../policy/definitions.js';
import { JIANGMEN_COUNTIES } from '../regions.js';
import { safeText } from '../text.js';
import { parseIsoDate } from '../time.js';
import {
  ABILITY_GRADES,
  CATEGORIES,
  CHANNELS,
  CONSENT,
  DISABILITY_TYPES,
  ELDER_STATUS,
  GENDERS,
  LANGUAGES,
  LIVING,
  REGISTERED_HOMES,
  RELATIONS,
  type Relation,
} from './fields.js';
import { readIdNumber } from './id-number.js';
import { toE164 } from './phone.js';

/** Free text through the text gate (shared/text.ts): NFC, hidden characters removed, bounded. */
const text = (max: number, label = '此项 this field') => safeText(label, max);

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
  name: text(50, '紧急联系人姓名 emergency contact name'),
  relation: z.enum(RELATIONS),
  phone: phoneField,
});

export const refusalSchema = z.strictObject({
  date: isoDateField,
  note: text(500),
  recordedBy: text(50),
});

/** 能力评估: the GB/T 42195-2022 assessment; the grade follows from its score. */
export const assessmentSchema = z.strictObject({
  score: z.number().int().min(0).max(100).describe('评估得分 score 0-100'),
  date: isoDateField.describe('评估日期 date assessed'),
  organisation: text(100).describe('评估机构 assessing organisation'),
});

const headcount = z.number().int().min(0).max(30);
/** 家庭情况: partner and children, and whether they live in the same city district or county. */
export const householdSchema = z
  .strictObject({
    partner: z
      .enum(PARTNER_PLACES)
      .describe('配偶 none, sameHome, sameArea (same district or county), elsewhere'),
    children: headcount.describe('子女数 children living'),
    childrenNearby: headcount.describe(
      '在同一市辖区或县居住的子女数 children in the same district or county',
    ),
    childrenAwaySince: isoDateField
      .optional()
      .describe('子女外出务工起始日期 children away from the registered home since'),
  })
  .superRefine((h, ctx) => {
    if (h.childrenNearby > h.children)
      ctx.addIssue({ code: 'custom', path: ['childrenNearby'], message: msg('household.nearbyOverTotal') });
  });

/** 残疾人证 (second generation): type, grade and the 20-character number (ID number + type + grade). */
export const disabilityCertificateSchema = z
  .strictObject({
    type: z.enum(DISABILITY_TYPES).describe('残疾类别 type'),
    grade: z.number().int().min(1).max(4).describe('残疾等级 grade 1-4'),
    number: z
      .string()
      .trim()
      .transform((v) => v.toUpperCase())
      .pipe(z.string().regex(/^\d{17}[\dX]\d{2}$/, msg('disabilityCertificate.number')))
      .describe('残疾人证号 certificate number, 20 characters'),
  })
  .superRefine((c, ctx) => {
    const typeCode = String(DISABILITY_TYPES.indexOf(c.type) + 1);
    if (
      /^\d{17}[\dX]\d{2}$/.test(c.number) &&
      (c.number[18] !== typeCode || c.number[19] !== String(c.grade))
    )
      ctx.addIssue({ code: 'custom', path: ['number'], message: msg('disabilityCertificate.mismatch') });
  });

/** Builds the registration form for a set of county codes (Jiangmen's by default). */
export function makeRegistrationSchema(counties: Readonly<Record<string, unknown>> = JIANGMEN_COUNTIES) {
  return (
    z
      .strictObject({
        name: text(50, '姓名 name').describe('姓名 name'),
        gender: z.enum(GENDERS).describe('性别 gender'),
        birthDate: isoDateField.describe('出生日期 birth date, YYYY-MM-DD'),
        idNumber: idNumberField.optional().describe('身份证号 18-digit resident ID (optional)'),
        phone: phoneField.describe('联系电话 mainland mobile or landline; stored as E.164'),
        // a sheet's address cell may hold a line break (Alt+Enter): kept
        address: safeText('住址 address', 200, { multiline: true }).describe('住址 address'),
        region: z.strictObject({
          county: z
            .string()
            .refine((c) => Object.hasOwn(counties, c), msg('county.unknown'))
            .describe('县（市、区） 6-digit GB/T 2260 code'),
          township: text(50, '镇（街道） township').describe('镇（街道） township or subdistrict'),
          village: text(50, '村（居） village').describe('村（居） village or residents’ committee'),
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
        assessment: assessmentSchema.optional().describe('能力评估 ability assessment; sets ability'),
        household: householdSchema
          .optional()
          .describe('家庭情况 household; 独居, 空巢 and 留守 follow from it'),
        registeredHome: z.enum(REGISTERED_HOMES).optional().describe('户籍 rural or urban registered home'),
        disabilityCertificate: disabilityCertificateSchema
          .optional()
          .describe('残疾人证 disability certificate; sets disabilityGrade'),
        lowIncome: z.boolean().default(false).describe('低保 minimum-living-allowance household'),
        extremePoverty: z.boolean().optional().describe('特困 person supported in extreme poverty'),
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
        language: z
          .enum(LANGUAGES)
          .default('yue')
          .describe('language: yue Cantonese, cmn Mandarin, tws Taishanese'),
        channel: z.enum(CHANNELS).default('voice').describe('check-in channel'),
        emergencyContacts: z
          .array(emergencyContactSchema)
          .max(5)
          .default([])
          // the plan's order: children, then relatives, neighbours, committee staff; a stable sort keeps
          // the order given within each relation
          .transform((list) =>
            list.toSorted((a, b) => RELATION_ORDER[a.relation] - RELATION_ORDER[b.relation]),
          )
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
        if (form.living === 'alone' && form.household?.partner === 'sameHome')
          ctx.addIssue({
            code: 'custom',
            path: ['household', 'partner'],
            message: msg('household.aloneWithPartner'),
          });
      })
      // the assessment and the certificate are the sources: the grade fields follow them
      .overwrite((form) => ({
        ...form,
        ability: abilityOf(form),
        ...(form.disabilityCertificate ? { disabilityGrade: form.disabilityCertificate.grade } : {}),
      }))
  );
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
