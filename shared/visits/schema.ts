import * as z from 'zod';
import { msg } from '../i18n/messages.js';
import { isoDateField } from '../registration/schema.js';
import { safeText } from '../text.js';

export const VISIT_MODES = ['home', 'phone', 'video', 'automated'] as const;
export type VisitMode = (typeof VISIT_MODES)[number];

export const SAFETY_RISKS = ['gas', 'electricity', 'falls', 'fire', 'food', 'medicine', 'other'] as const;

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
  safetyRisks: z.array(z.enum(SAFETY_RISKS)).max(7).default([]).describe('安全隐患 safety risks found'),
  needs: note(1000).optional().describe('服务需求 needs'),
  servicesGiven: note(1000).optional().describe('提供的服务 services given'),
  referrals: note(1000).optional().describe('转介 referrals'),
  followUpOn: isoDateField.optional().describe('跟进日期 follow-up date'),
  note: note(2000).optional(),
});

export type VisitRecordInput = z.input<typeof visitRecordSchema>;
export type VisitRecordForm = z.output<typeof visitRecordSchema>;
