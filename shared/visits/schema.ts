import * as z from 'zod';
import { msg } from '../i18n/messages.js';
import { isoDateField } from '../registration/schema.js';
import { safeText } from '../text.js';

export const VISIT_MODES = ['home', 'phone', 'video', 'automated'] as const;
export type VisitMode = (typeof VISIT_MODES)[number];

/** 安全: the hazards the reference lists (house, water, electricity, gas, heating) and the plan's others. */
export const SAFETY_RISKS = [
  'house',
  'water',
  'electricity',
  'gas',
  'heating',
  'falls',
  'fire',
  'medicine',
  'food',
  'other',
] as const;

/** 服务需求 by type, as the reference lists them. */
export const SERVICE_NEEDS = [
  'dailyCare',
  'rehabilitation',
  'companionship',
  'homeAdaptation',
  'other',
] as const;
export type ServiceNeed = (typeof SERVICE_NEEDS)[number];

/** Who visited, by kind (the report counts visitors by kind). */
export const VISITOR_KINDS = [
  'contact',
  'committee',
  'socialWorker',
  'cadre',
  'gridWorker',
  'volunteer',
  'other',
] as const;
export type VisitorKind = (typeof VISITOR_KINDS)[number];

/** Who confirmed the record: the elder, the family, or nobody could. */
export const CONFIRMED_BY = ['elder', 'family', 'none'] as const;

/** Days after the visit within which a visit recorded by text is to be filled in. */
export const FILL_IN_DAYS = 7;

/** An instant with an explicit offset, or a bare date (taken as that day in Asia/Shanghai). */
export const visitTimeField = z.union([z.iso.datetime({ offset: true }), isoDateField], {
  error: msg('datetime.format'),
});

/** Free text through the text gate (shared/text.ts); notes keep their line breaks. */
const note = (max: number, label = '记录 note') => safeText(label, max, { multiline: true });

/** The visit record (《探访关爱服务记录表》) as the API takes it. */
export const visitRecordSchema = z.strictObject({
  elderId: z.string().trim().min(1).max(64),
  visitedAt: visitTimeField.describe('探访时间 when the visit happened'),
  mode: z.enum(VISIT_MODES).describe('探访方式 home, phone, video, or automated (keypad / SMS reply)'),
  visitors: z.array(note(50)).min(1).max(10).describe('探访人员 who visited or called'),
  health: note(500).optional().describe('身体状况 health'),
  mood: note(500).optional().describe('精神状况 mood'),
  livingConditions: note(500).optional().describe('居住环境 living conditions'),
  safetyRisks: z.array(z.enum(SAFETY_RISKS)).max(10).default([]).describe('安全隐患 safety risks found'),
  needs: note(1000).optional().describe('服务需求 needs'),
  servicesGiven: note(1000).optional().describe('提供的服务 services given'),
  referrals: note(1000).optional().describe('转介 referrals'),
  followUpOn: isoDateField.optional().describe('跟进日期 follow-up date'),
  note: note(2000).optional(),
  // the plan's contents (issue 14): begin
  economy: note(500)
    .optional()
    .describe('经济状况 economy: food, clothing, housing, travel, medical care, benefits'),
  familySupport: note(500).optional().describe('家庭赡养 family support and contact'),
  serviceNeeds: z
    .array(z.enum(SERVICE_NEEDS))
    .max(5)
    .optional()
    .describe('服务需求类型 needs by type: dailyCare, rehabilitation, companionship, homeAdaptation, other'),
  policyExplained: note(1000).optional().describe('政策宣传 policy explained'),
  urgentHelp: note(1000).optional().describe('紧急救助 urgent help given'),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(720)
    .optional()
    .describe('探访时长（分钟） duration in minutes'),
  visitorKinds: z.array(z.enum(VISITOR_KINDS)).max(7).optional().describe('探访人员类别 visitors by kind'),
  confirmedBy: z.enum(CONFIRMED_BY).optional().describe('确认 confirmed by the elder, the family, or none'),
  // the plan's contents (issue 14): end
});

/** The contents a visit recorded by text is filled in with later (everything but who, when and how). */
export const visitContentsSchema = visitRecordSchema.omit({ elderId: true, visitedAt: true, mode: true });
export type VisitContents = z.output<typeof visitContentsSchema>;

export type VisitRecordInput = z.input<typeof visitRecordSchema>;
export type VisitRecordForm = z.output<typeof visitRecordSchema>;
