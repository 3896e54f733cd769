import type { Case, CaseReason, Closure } from '../../shared/phone/case.js';
import type { CheckIn, CheckInStatus, Outcome } from '../../shared/phone/checkin.js';
import type { ProviderLimits } from '../../shared/phone/config.js';
import type { TextPurpose } from '../../shared/phone/providers.js';
import type { Category } from '../../shared/registration/fields.js';
import type { MonthlyReport } from '../../shared/reports/monthly.js';
import type { VisitRecord } from '../../shared/visits/record.js';
import type { TextRecord } from '../phone/network.js';

/** What a run produced, for the scenario's author: every time in +08:00, elders by scenario id. */
export interface SimulationResult {
  scenario: { start: string; end: string; days: number; seed: number };
  elders: {
    id: string;
    category: Category;
    channel: 'voice' | 'sms';
    phone: string;
    contactId: string | null;
  }[];
  checkIns: {
    elderId: string;
    openedAt: string;
    channel: 'voice' | 'sms';
    status: KebabStatus;
    attempts: number;
    closedAt: string | null;
  }[];
  /** check-in calls placed to elders (voice attempts), with how each ended (null: still ringing at the end) */
  calls: { elderId: string; at: string; attempt: number; outcome: KebabOutcome | null }[];
  /** every text the system sent, to elders, contacts, emergency contacts and duty phones */
  texts: { to: string; at: string; purpose: KebabPurpose | null; elderId: string | null }[];
  /** texts people sent to the service (elders' replies, contacts' case codes) */
  replies: { from: string; at: string; text: string; elderId: string | null; contactId: string | null }[];
  visits: { elderId: string; at: string; mode: VisitRecord['mode'] }[];
  cases: {
    elderId: string;
    code: string;
    reason: KebabReason;
    status: Case['status'];
    openedAt: string;
    steps: {
      step: 1 | 2 | 3;
      role: 'contact' | 'emergency' | 'duty';
      channel: 'sms' | 'voice';
      to: string;
      at: string;
      status: Case['steps'][number]['status'];
      acknowledgedAt: string | null;
    }[];
    acknowledgedAt: string | null;
    /** the contact's scenario id, or emergency-n / duty-n */
    acknowledgedBy: string | null;
    closedAt: string | null;
    closure: KebabClosure | null;
  }[];
  /** the morning home-visit digests, one per contact and day at most (08:30 Asia/Shanghai) */
  reminders: {
    /** the contact's scenario id */
    contactId: string;
    at: string;
    /** items the digest counts: the lines it shows and the ones it only counts (另有n项) */
    items: number;
    /** elders the digest names, by scenario id, in the digest's order */
    elderIds: string[];
  }[];
  /** the monthly report (shared/reports) of the month of the last day, for the elders' county (or the city) */
  report: MonthlyReport;
  summary: {
    days: number;
    elders: number;
    checkIns: number;
    calls: number;
    texts: number;
    visits: number;
    /** digests sent to contacts */
    reminders: number;
    casesOpened: number;
    casesAcknowledged: number;
    /** the most the simulated network saw at once; compare with `limits` */
    peaks: { inProgress: number; callsInOneSecond: number; smsPartsInOneSecond: number };
    limits: ProviderLimits;
    deadLetters: number;
    errors: number;
  };
  /** what went wrong inside the system during the run (handler errors, planner items that failed) */
  errors: string[];
}

/** camelCase → kebab-case: the result's words are the scenario file's words. */
export const kebab = <T extends string>(word: T) =>
  word.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) as Kebab<T>;

type Kebab<T extends string> = T extends `${infer Head}${infer Tail}`
  ? Head extends Lowercase<Head>
    ? `${Head}${Kebab<Tail>}`
    : `-${Lowercase<Head>}${Kebab<Tail>}`
  : T;

export type KebabOutcome = Kebab<Outcome>;
export type KebabPurpose = Kebab<TextPurpose>;
export type KebabReason = Kebab<CaseReason>;
export type KebabClosure = Kebab<Closure>;
export type KebabStatus = Kebab<CheckInStatus>;

/** Who the system's ids and the simulated phones' numbers are in the scenario. */
export interface Directory {
  /** system elder id → scenario elder id */
  elderOf: Map<string, string>;
  /** E.164 → scenario elder id */
  elderByPhone: Map<string, string>;
  /** E.164 → scenario contact id */
  contactByPhone: Map<string, string>;
}

const orderBy =
  <T>(...keys: ((row: T) => string | number)[]) =>
  (a: T, b: T) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };

/** The result's rows, in an order that does not depend on the engine's random ids. */
export function buildRows(input: {
  directory: Directory;
  checkIns: CheckIn[];
  visits: VisitRecord[];
  cases: Case[];
  texts: readonly TextRecord[];
  at: (iso: string) => string;
}): Pick<SimulationResult, 'checkIns' | 'calls' | 'texts' | 'replies' | 'visits' | 'cases'> {
  const { directory, at } = input;
  const elder = (systemId: string) => directory.elderOf.get(systemId) ?? systemId;
  const nullable = (iso: string | undefined) => (iso ? at(iso) : null);

  const checkIns = input.checkIns
    .map((c) => ({
      elderId: elder(c.elderId),
      openedAt: at(c.openedAt),
      channel: c.channel,
      status: kebab(c.status),
      attempts: c.attempts.length,
      closedAt: nullable(c.closedAt),
    }))
    .sort(
      orderBy(
        (r) => r.openedAt,
        (r) => r.elderId,
      ),
    );

  const calls = input.checkIns
    .flatMap((c) =>
      c.attempts
        .filter((a) => a.channel === 'voice' && a.placedAt)
        .map((a) => ({
          elderId: elder(c.elderId),
          at: at(a.placedAt as string),
          attempt: a.n,
          outcome: a.outcome ? kebab(a.outcome) : null,
        })),
    )
    .sort(
      orderBy(
        (r) => r.at,
        (r) => r.elderId,
      ),
    );

  const cases = input.cases
    .map((c) => ({
      elderId: elder(c.elderId),
      code: c.code,
      reason: kebab(c.reason),
      status: c.status,
      openedAt: at(c.openedAt),
      steps: c.steps.map((s) => ({
        step: s.level,
        role: s.role,
        channel: s.channel,
        to: s.to,
        at: at(s.at),
        status: s.status,
        acknowledgedAt: nullable(s.acknowledgedAt),
      })),
      acknowledgedAt: nullable(c.acknowledgedAt),
      acknowledgedBy: c.acknowledgedBy ?? null,
      closedAt: nullable(c.closedAt),
      closure: c.closure ? kebab(c.closure) : null,
    }))
    .sort(
      orderBy(
        (r) => r.openedAt,
        (r) => r.elderId,
      ),
    );

  // acknowledgement and closing texts carry no elder id: their case code names the case
  const caseOfText = (t: TextRecord) => {
    const code = /个案(\d{4})/.exec(t.text)?.[1];
    return input.cases
      .filter((c) => c.code === code && c.openedAt <= t.at)
      .sort(orderBy((c) => c.openedAt))
      .at(-1);
  };
  const texts = input.texts
    .filter((t) => t.direction === 'out')
    .map((t) => {
      const systemElder = t.elderId ?? caseOfText(t)?.elderId;
      return {
        to: t.to,
        at: at(t.at),
        purpose: t.purpose ? kebab(t.purpose) : null,
        elderId: systemElder ? elder(systemElder) : null,
      };
    })
    .sort(
      orderBy(
        (r) => r.at,
        (r) => r.to,
        (r) => r.purpose ?? '',
      ),
    );

  const replies = input.texts
    .filter((t) => t.direction === 'in')
    .map((t) => ({
      from: t.from,
      at: at(t.at),
      text: t.text,
      elderId: directory.elderByPhone.get(t.from) ?? null,
      contactId: directory.contactByPhone.get(t.from) ?? null,
    }))
    .sort(
      orderBy(
        (r) => r.at,
        (r) => r.from,
      ),
    );

  const visits = input.visits
    .map((v) => ({ elderId: elder(v.elderId), at: at(v.visitedAt), mode: v.mode }))
    .sort(
      orderBy(
        (r) => r.at,
        (r) => r.elderId,
      ),
    );

  return { checkIns, calls, texts, replies, visits, cases };
}

/**
 * The digests the contacts received, read from the texts: each line's code names an elder among the
 * contact's pairings (`codes`: contact id → code → scenario elder id).
 */
export function buildReminders(input: {
  directory: Directory;
  codes: ReadonlyMap<string, ReadonlyMap<string, string>>;
  texts: readonly TextRecord[];
  at: (iso: string) => string;
}): SimulationResult['reminders'] {
  return input.texts
    .filter((t) => t.direction === 'out' && t.purpose === 'digest')
    .flatMap((t) => {
      const contactId = input.directory.contactByPhone.get(t.to);
      if (contactId === undefined) return [];
      const byCode = input.codes.get(contactId);
      const shown = [...t.text.matchAll(/代码(\d+)/g)].map((m) => m[1] as string);
      const rest = Number(/另有(\d+)项/.exec(t.text)?.[1] ?? 0);
      const elderIds = [...new Set(shown.map((code) => byCode?.get(code) ?? code))];
      return [{ contactId, at: input.at(t.at), items: shown.length + rest, elderIds }];
    })
    .sort(
      orderBy(
        (r) => r.at,
        (r) => r.contactId,
      ),
    );
}
