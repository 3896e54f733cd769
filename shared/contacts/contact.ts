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

export const contactSchema = z.strictObject({
  name: z.string().trim().min(1).max(50),
  phone: phoneField,
  role: z.enum(CONTACT_ROLES),
  county: z.string().regex(/^\d{6}$/),
  township: z.string().trim().min(1).max(50),
});

export type ContactForm = z.output<typeof contactSchema>;
export interface Contact extends ContactForm {
  id: string;
}
