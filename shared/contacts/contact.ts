import * as z from 'zod';
import { phoneField } from '../registration/schema.js';

/** Roles of visit contacts (探访关爱服务联系人). */
export const CONTACT_ROLES = [
  'committeeStaff',
  'socialWorker',
  'civilAffairsCadre',
  'pinganTong',
  'volunteer',
] as const;

/**
 * A township-level supervisor: kept on the contact as a name and a number rather than as another
 * contact's id, because the supervisor (a township cadre) is usually not a visit contact and has no
 * elders; the number is what the overdue digest needs.
 */
export const supervisorSchema = z.strictObject({
  name: z.string().trim().min(1).max(50),
  phone: phoneField,
});

export const contactSchema = z.strictObject({
  name: z.string().trim().min(1).max(50),
  phone: phoneField,
  role: z.enum(CONTACT_ROLES),
  county: z.string().regex(/^\d{6}$/),
  township: z.string().trim().min(1).max(50),
  /** who hears about home visits overdue by more than 3 days (the township's supervisors) */
  supervisors: z.array(supervisorSchema).max(5).default([]),
});

/** PATCH /api/contacts/{id}: any of the fields, none of them required. */
export const contactPatchSchema = contactSchema.partial();

export type ContactForm = z.output<typeof contactSchema>;
export type Supervisor = z.output<typeof supervisorSchema>;
export interface Contact extends Omit<ContactForm, 'supervisors'> {
  id: string;
  /** absent on contacts stored before supervisors existed */
  supervisors?: Supervisor[];
}
