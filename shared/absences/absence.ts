import * as z from 'zod';
import { DomainError } from '../errors.js';
import { msg } from '../i18n/messages.js';
import { addDaysIso, type IsoDate, parseIsoDate } from '../time.js';

/**
 * Absences (外出登记, issue 16 part 2): an elder is away from home (a trip, a stay at a daughter's, a
 * hospital stay) from one Asia/Shanghai calendar date until the date they are back. While away there is
 * no check-in, no escalation for silence and no signal alert; on `until` one check-in resumes the
 * cadence. Pure: every function takes `now`.
 *
 * Dates: `from` is the first day away, `until` the day the elder is home again (the away interval is
 * [from 00:00, until 00:00) in +08:00; Asia/Shanghai has no daylight saving). Ending early sets `endedAt`.
 */

export const ABSENCE_REASONS = ['away', 'hospital', 'other'] as const;
export type AbsenceReason = (typeof ABSENCE_REASONS)[number];
export const DECLARERS = ['elder', 'family', 'contact', 'staff'] as const;
export type Declarer = (typeof DECLARERS)[number];
export const DECLARED_VIA = ['text', 'console', 'visitPage'] as const;
export type DeclaredVia = (typeof DECLARED_VIA)[number];

/** The longest absence one declaration covers; a longer one is renewed (or the record suspended). */
export const MAX_ABSENCE_DAYS = 92;

export interface Absence {
  id: string;
  elderId: string;
  county: string;
  township: string;
  village: string;
  /** first day away (YYYY-MM-DD, Asia/Shanghai) */
  from: IsoDate;
  /** the day the elder is home again: check-ins resume that day (YYYY-MM-DD) */
  until: IsoDate;
  reason: AbsenceReason;
  /** free text kept for staff ("去女儿家", "市中心医院") */
  note?: string;
  declaredBy: { who: Declarer; via: DeclaredVia; ref?: string };
  declaredAt: string;
  /** ended early (back home, discharged), with who said so */
  endedAt?: string;
  endedBy?: string;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, msg('date.format'))
  .refine((d) => parseIsoDate(d) !== undefined, msg('date.invalid'));

/** What the console and the visit page send to declare an absence. */
export const absenceInputSchema = z
  .strictObject({
    from: isoDate.optional(),
    until: isoDate,
    reason: z.enum(ABSENCE_REASONS, { error: msg('absence.reason') }).default('away'),
    note: z.string().trim().max(200).optional(),
    declaredBy: z.enum(DECLARERS, { error: msg('absence.declaredBy') }).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.from && value.until <= value.from)
      ctx.addIssue({ code: 'custom', path: ['until'], message: msg('absence.untilBeforeFrom') });
  });
export type AbsenceInput = z.output<typeof absenceInputSchema>;

/** Start of a calendar date in Asia/Shanghai as an instant. */
export const startOfDay = (date: IsoDate): Date => new Date(`${date}T00:00:00+08:00`);

/** The interval an absence covers now: [start, end), end moved earlier when it was ended early. */
export function awayInterval(absence: Absence): { start: number; end: number } {
  const start = startOfDay(absence.from).getTime();
  const planned = startOfDay(absence.until).getTime();
  const ended = absence.endedAt ? Date.parse(absence.endedAt) : Number.POSITIVE_INFINITY;
  return { start, end: Math.max(start, Math.min(planned, ended)) };
}

const covers = (a: Absence, t: number) => {
  const { start, end } = awayInterval(a);
  return start <= t && t < end;
};

/**
 * Whether the elder is away at `now`: some absence covers it. The engine calls this before it opens
 * a check-in and before it escalates for silence (docs/absences.md).
 * @example isAway([{ from: '2025-12-18', until: '2025-12-21', … }], new Date('2025-12-20T10:00:00+08:00')) // true
 */
export function isAway(absences: readonly Absence[], now: Date): boolean {
  const t = now.getTime();
  return absences.some((a) => covers(a, t));
}

/**
 * When the elder is home again, if away at `now`: the end of the absence covering now, followed
 * through absences that start before it ends (a hospital stay straight after a trip). Undefined when
 * not away. The engine makes the elder's next check-in due at the first calling window from here.
 * @example resumeAt([{ from: '2025-12-18', until: '2025-12-21', … }], new Date('2025-12-20T10:00:00+08:00')) // 2025-12-21T00:00+08:00
 */
export function resumeAt(absences: readonly Absence[], now: Date): Date | undefined {
  const t = now.getTime();
  if (!absences.some((a) => covers(a, t))) return undefined;
  const intervals = absences.map(awayInterval).sort((a, b) => a.start - b.start);
  let end = t;
  let moved = true;
  while (moved) {
    moved = false;
    for (const i of intervals) {
      if (i.start <= end && i.end > end) {
        end = i.end;
        moved = true;
      }
    }
  }
  return new Date(end);
}

/** A new absence from a validated input: `from` defaults to today; at most MAX_ABSENCE_DAYS long. */
export function declareAbsence(args: {
  id: string;
  elder: { id: string; region: { county: string; township: string; village: string } };
  input: AbsenceInput;
  who: Declarer;
  via: DeclaredVia;
  ref?: string | undefined;
  today: IsoDate;
  now: Date;
}): Absence {
  const from = args.input.from ?? args.today;
  const until = args.input.until;
  if (until <= from) throw new AbsenceRefused('absence.untilBeforeFrom', 'until');
  if (until > addDaysIso(from, MAX_ABSENCE_DAYS)) throw new AbsenceRefused('absence.tooLong', 'until');
  if (until <= args.today) throw new AbsenceRefused('absence.inPast', 'until');
  return {
    id: args.id,
    elderId: args.elder.id,
    county: args.elder.region.county,
    township: args.elder.region.township,
    village: args.elder.region.village,
    from,
    until,
    reason: args.input.reason,
    ...(args.input.note ? { note: args.input.note } : {}),
    declaredBy: { who: args.who, via: args.via, ...(args.ref ? { ref: args.ref } : {}) },
    declaredAt: args.now.toISOString(),
  };
}

/** An absence ended early (back home): idempotent, the first end stands. */
export function endAbsence(absence: Absence, by: string, now: Date): Absence {
  if (absence.endedAt) return absence;
  return { ...absence, endedAt: now.toISOString(), endedBy: by };
}

/** Still in force at `now` or ahead (not ended, not over). */
export function isCurrentOrAhead(absence: Absence, now: Date): boolean {
  return awayInterval(absence).end > now.getTime();
}

/**
 * The month's report counts absences apart (issue 16): elders away some day of the month, and
 * elder-days away, split by reason. Pure; `absences` are a county's (or township's) absences
 * overlapping the month. h14's shared/reports adds it as its own block (docs/absences.md).
 */
export function countAbsencesInMonth(
  absences: readonly Absence[],
  month: string,
): { elders: number; hospital: number; elderDays: number } {
  const first = `${month}-01`;
  const next = addDaysIso(first, 40).slice(0, 7);
  const monthStart = startOfDay(first).getTime();
  const monthEnd = startOfDay(`${next}-01`).getTime();
  const elders = new Set<string>();
  const inHospital = new Set<string>();
  const days = new Map<string, Set<number>>();
  for (const a of absences) {
    const { start, end } = awayInterval(a);
    const s = Math.max(start, monthStart);
    const e = Math.min(end, monthEnd);
    if (e <= s) continue;
    elders.add(a.elderId);
    if (a.reason === 'hospital') inHospital.add(a.elderId);
    const set = days.get(a.elderId) ?? new Set<number>();
    // a day counts when any part of it is away
    for (let d = Math.floor((s - monthStart) / 86_400_000); d * 86_400_000 + monthStart < e; d++) set.add(d);
    days.set(a.elderId, set);
  }
  let elderDays = 0;
  for (const set of days.values()) elderDays += set.size;
  return { elders: elders.size, hospital: inHospital.size, elderDays };
}

/** A declaration the rules refuse (422, naming the field). */
export class AbsenceRefused extends DomainError {
  constructor(code: 'absence.untilBeforeFrom' | 'absence.tooLong' | 'absence.inPast', path: string) {
    super(code, 422, path);
    this.name = 'AbsenceRefused';
  }
}
