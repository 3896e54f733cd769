import type { Category, ElderStatus, RuleCode } from '../registration/fields.js';
import type { Registration } from '../registration/schema.js';
import type { IsoDate } from '../time.js';

/** An elder record: the registration form plus what the register keeps about it. */
export interface Elder extends Registration {
  id: string;
  /** the category in force: the computed one, or an administrator's higher one */
  category: Category;
  /** what the plan's rules give today */
  computedCategory: Category;
  rules: RuleCode[];
  categoryOverride?: { category: Category; reason: string; by: string; at: string };
  /**
   * a category kept because a recomputation (new definitions, the age line, a partner list, an edit)
   * would lower it: nothing is lowered until a person confirms on the review list
   */
  heldCategory?: { category: Category; since: string; source: string };
  status: ElderStatus;
  registeredAt: string;
  registeredOn: IsoDate;
  updatedAt: string;
  /** optimistic lock: every write checks and bumps it */
  version: number;
  /** next birthday that can change the category (the 80th), while one is ahead */
  nextAgeLine?: IsoDate;
  /** this elder's own calling windows (HH:mm, Asia/Shanghai); the county's when absent */
  callWindows?: { start: string; end: string }[];
  /** the elder texted TD / 退订 / STOP: no more texts, calls go on */
  smsOptOut?: boolean;
}

/** An entry of the audit trail: who changed which fields, when, and the category before and after. */
export interface AuditEntry {
  elderId: string;
  at: string;
  actor: string;
  action: 'register' | 'update' | 'reclassify' | 'import' | 'merge' | 'optOut' | 'review' | 'partnerList';
  /** names of the fields that changed (values are not copied here) */
  fields: string[];
  oldCategory?: Category;
  newCategory?: Category;
  oldStatus?: ElderStatus;
  newStatus?: ElderStatus;
  reason?: string;
}

/** Who is acting, and when; handlers build it from the request, jobs from their own name. */
export interface Actor {
  actor: string;
  now: Date;
}
