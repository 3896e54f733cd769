import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Absence, isAway } from '../absences/absence.js';
import { normaliseReply } from '../phone/replies.js';
import type { Sheet } from '../reports/table.js';
import { isoInPolicyZone } from '../time.js';

/**
 * Roll call (点名, issue 16 part 1): for a campaign with a deadline, where every targeted elder stands
 * at any moment. Pure: every function takes `now`; storage and routes come with the engine's wiring.
 */
export type RollCallState = 'accountedFor' | 'needsHelp' | 'away' | 'notReached';
export type AccountedHow = 'answeredWell' | 'visited' | 'contactConfirmed' | 'familyConfirmed';

export interface RollCallEntry {
  campaignId: string;
  elderId: string;
  county: string;
  township: string;
  village: string;
  /** the paired contact, who gets the visit task */
  contactId?: string;
  state: Exclude<RollCallState, 'away'>;
  /** who accounted for the elder, how and when */
  accounted?: { how: AccountedHow; by: string; at: string };
  needsHelpAt?: string;
  /** the visit task: to whom, sent when, raised to the supervisor when, handed over from whom */
  task?: {
    assignee: string;
    sentAt: string;
    raisedAt?: string;
    handedOver?: { from: string; by: string; at: string }[];
  };
  version: number;
}

/** The state as the board shows it: an away elder (docs/absences.md) is `away` unless accounted for or in need. */
export function rollCallState(entry: RollCallEntry, absences: readonly Absence[], now: Date): RollCallState {
  if (entry.state === 'notReached' && isAway(absences, now)) return 'away';
  return entry.state;
}

const RANK: Record<RollCallEntry['state'], number> = { notReached: 0, accountedFor: 1, needsHelp: 2 };

/**
 * The seam from the phone engine (next session): a check-in of the campaign closed with an outcome.
 * `well` accounts for the elder (answered well); `help` marks needs help; `notReached` changes nothing
 * (a visit task follows). A later, lower outcome never undoes a higher one, so redelivery is harmless.
 */
export function onCheckInOutcome(
  entry: RollCallEntry,
  outcome: 'well' | 'help' | 'notReached',
  at: Date,
): RollCallEntry {
  if (outcome === 'well') return account(entry, 'answeredWell', 'elder', at);
  if (outcome === 'help') return markNeedsHelp(entry, at);
  return entry;
}

/** Accounted for: answered well, visited, or confirmed by a contact or family member. */
export function account(entry: RollCallEntry, how: AccountedHow, by: string, at: Date): RollCallEntry {
  if (RANK[entry.state] >= RANK.accountedFor) return entry;
  return {
    ...entry,
    state: 'accountedFor',
    accounted: { how, by, at: at.toISOString() },
    version: entry.version + 1,
  };
}

export function markNeedsHelp(entry: RollCallEntry, at: Date): RollCallEntry {
  if (entry.state === 'needsHelp') return entry;
  return { ...entry, state: 'needsHelp', needsHelpAt: at.toISOString(), version: entry.version + 1 };
}

export interface TaskPolicy {
  /** raise to the township supervisor this long before the deadline when the task is unconfirmed */
  raiseBeforeMinutes: number;
}
export const DEFAULT_TASK_POLICY: TaskPolicy = { raiseBeforeMinutes: 120 };

/**
 * What is due for one entry at `now`: a visit task for the paired contact once the campaign's own
 * check-in went unanswered; a raise to the supervisor as the deadline nears. Away elders get neither.
 */
export function dueAction(
  entry: RollCallEntry,
  args: { checkInUnanswered: boolean; away: boolean; deadline: Date; now: Date; policy?: TaskPolicy },
): 'sendTask' | 'raise' | undefined {
  if (entry.state !== 'notReached' || args.away) return undefined;
  if (!entry.task) return args.checkInUnanswered && entry.contactId ? 'sendTask' : undefined;
  const raiseAt = args.deadline.getTime() - (args.policy ?? DEFAULT_TASK_POLICY).raiseBeforeMinutes * 60_000;
  if (!entry.task.raisedAt && args.now.getTime() >= raiseAt) return 'raise';
  return undefined;
}

export function taskSent(entry: RollCallEntry, assignee: string, at: Date): RollCallEntry {
  if (entry.task) return entry;
  return { ...entry, task: { assignee, sentAt: at.toISOString() }, version: entry.version + 1 };
}

export function taskRaised(entry: RollCallEntry, at: Date): RollCallEntry {
  if (!entry.task || entry.task.raisedAt) return entry;
  return { ...entry, task: { ...entry.task, raisedAt: at.toISOString() }, version: entry.version + 1 };
}

/** The supervisor hands the task to someone else; the new assignee gets a fresh task text. */
export function handOver(entry: RollCallEntry, to: string, by: string, at: Date): RollCallEntry {
  if (!entry.task || entry.task.assignee === to || entry.state !== 'notReached') return entry;
  return {
    ...entry,
    task: {
      assignee: to,
      sentAt: at.toISOString(),
      handedOver: [...(entry.task.handedOver ?? []), { from: entry.task.assignee, by, at: at.toISOString() }],
    },
    version: entry.version + 1,
  };
}

/**
 * A contact's text reply to a visit task: `<code> 平安` / `<code> 好` / `<code> 已见到` accounts for
 * the elder, `<code> 需要帮助` / `<code> 帮` marks needs help. Digits alone (`12 1`) stay the visit
 * replies of codes.ts. Undefined when the text is not a roll-call reply.
 * @example parseRollCallReply('12 平安') // { code: '12', answer: 'accounted' }
 */
export function parseRollCallReply(
  text: string,
): { code: string; answer: 'accounted' | 'needsHelp' } | undefined {
  const m = /^([1-9]\d{1,2})\s*(\S.*)$/.exec(normaliseReply(text));
  if (!m) return undefined;
  const word = (m[2] as string).trim();
  if (/^(平安|好|好的|安好|已见到|见到了|已确认|确认|OK|没事|冇事)$/.test(word))
    return { code: m[1] as string, answer: 'accounted' };
  if (/^(需要帮助|要帮助|帮|帮忙|救|有事)$/.test(word)) return { code: m[1] as string, answer: 'needsHelp' };
  return undefined;
}

// --- the one-tap confirmation link: /r/<token>, HMAC-SHA256 like shared/homevisits/links.ts ---
const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('base64url');

/** Signs a link for one campaign, elder and contact, until `expiresAt` (the deadline plus a day). */
export function signRollCallLink(
  secret: string,
  link: { campaignId: string; elderId: string; contactId: string; expiresAt: Date },
): string {
  const body = Buffer.from(
    JSON.stringify({
      k: link.campaignId,
      e: link.elderId,
      c: link.contactId,
      x: Math.floor(link.expiresAt.getTime() / 1000),
      v: 1,
    }),
  ).toString('base64url');
  return `${body}.${mac(secret, `rollcall.${body}`)}`;
}

/** Checks a link (constant time); never throws. The "rollcall." prefix keeps visit links from passing. */
export function verifyRollCallLink(
  secret: string,
  token: string,
  now: Date,
): { campaignId: string; elderId: string; contactId: string } | undefined {
  if (typeof token !== 'string' || token.length > 600) return undefined;
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return undefined;
  const given = Buffer.from(sig);
  const want = Buffer.from(mac(secret, `rollcall.${body}`));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
  try {
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const id = /^[A-Za-z0-9-]{1,64}$/;
    if (p.v !== 1 || typeof p.x !== 'number' || now.getTime() >= p.x * 1000) return undefined;
    if (![p.k, p.e, p.c].every((s) => typeof s === 'string' && id.test(s))) return undefined;
    return { campaignId: p.k as string, elderId: p.e as string, contactId: p.c as string };
  } catch {
    return undefined;
  }
}

// --- the board: county → township → village → contact ---
export interface Counts {
  total: number;
  accountedFor: number;
  needsHelp: number;
  away: number;
  notReached: number;
}
const zero = (): Counts => ({ total: 0, accountedFor: 0, needsHelp: 0, away: 0, notReached: 0 });

export interface BoardNode extends Counts {
  key: string;
  children?: BoardNode[];
}

export interface Board {
  deadline: string;
  /** minutes until the deadline; negative once past */
  minutesLeft: number;
  totals: Counts;
  counties: BoardNode[];
  /** the elders not yet reached, with whom their task is and whether it was raised */
  notReached: {
    elderId: string;
    county: string;
    township: string;
    village: string;
    assignee?: string;
    raised: boolean;
  }[];
}

/**
 * Aggregates the roll: counts at every level (county → township → village → contact), the list of
 * elders not yet reached, and the time left. `awayOf` says whether an elder is away now.
 */
export function board(
  entries: readonly RollCallEntry[],
  awayOf: (elderId: string) => boolean,
  deadline: Date,
  now: Date,
): Board {
  const totals = zero();
  const tree = new Map<string, Map<string, Map<string, Map<string, Counts>>>>();
  const notReached: Board['notReached'] = [];
  for (const e of entries) {
    const state: RollCallState = e.state === 'notReached' && awayOf(e.elderId) ? 'away' : e.state;
    const contact = e.task?.assignee ?? e.contactId ?? '-';
    const townships = tree.get(e.county) ?? new Map();
    tree.set(e.county, townships);
    const villages = townships.get(e.township) ?? new Map();
    townships.set(e.township, villages);
    const contacts = villages.get(e.village) ?? new Map();
    villages.set(e.village, contacts);
    const c = contacts.get(contact) ?? zero();
    contacts.set(contact, c);
    c.total++;
    c[state]++;
    totals.total++;
    totals[state]++;
    if (state === 'notReached')
      notReached.push({
        elderId: e.elderId,
        county: e.county,
        township: e.township,
        village: e.village,
        ...(e.task ? { assignee: e.task.assignee } : {}),
        raised: Boolean(e.task?.raisedAt),
      });
  }
  const sum = (nodes: BoardNode[]): Counts =>
    nodes.reduce(
      (a, n) => ({
        total: a.total + n.total,
        accountedFor: a.accountedFor + n.accountedFor,
        needsHelp: a.needsHelp + n.needsHelp,
        away: a.away + n.away,
        notReached: a.notReached + n.notReached,
      }),
      zero(),
    );
  const level = <T>(m: Map<string, T>, child: (v: T) => BoardNode[] | Counts): BoardNode[] =>
    [...m.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => {
        const inner = child(v);
        return Array.isArray(inner) ? { key, ...sum(inner), children: inner } : { key, ...inner };
      });
  const counties = level(tree, (t) => level(t, (v) => level(v, (c) => level(c, (counts) => counts))));
  return {
    deadline: isoInPolicyZone(deadline),
    minutesLeft: Math.floor((deadline.getTime() - now.getTime()) / 60_000),
    totals,
    counties,
    notReached: notReached.sort((a, b) =>
      `${a.township}${a.village}`.localeCompare(`${b.township}${b.village}`),
    ),
  };
}

const STATE_NAME: Record<RollCallState, string> = {
  accountedFor: '已确认平安',
  needsHelp: '需要帮助',
  away: '外出',
  notReached: '未联系上',
};
const HOW_NAME: Record<AccountedHow, string> = {
  answeredWell: '本人回复平安',
  visited: '上门探访',
  contactConfirmed: '联系人确认',
  familyConfirmed: '家属确认',
};

/** The final roll as the campaign's XLSX sheet (toXlsx in shared/reports/xlsx.ts writes it). */
export function finalRollSheet(
  campaign: { title: string; id: string },
  rows: readonly { entry: RollCallEntry; state: RollCallState; name: string; contactName?: string }[],
): Sheet {
  return {
    title: `${campaign.title} 点名结果`,
    fileName: `${campaign.title}-点名`,
    headers: [
      '县(市、区)',
      '镇（街道）',
      '村（居）',
      '老人',
      '状态',
      '确认方式',
      '确认人',
      '确认时间',
      '负责联系人',
      '已上报',
    ],
    percentColumns: [],
    rows: rows.map(({ entry, state, name, contactName }) => [
      entry.county,
      entry.township,
      entry.village,
      name,
      STATE_NAME[state],
      entry.accounted ? HOW_NAME[entry.accounted.how] : '',
      entry.accounted?.by ?? '',
      entry.accounted ? isoInPolicyZone(new Date(entry.accounted.at)).slice(0, 16).replace('T', ' ') : '',
      contactName ?? '',
      entry.task?.raisedAt ? '是' : '',
    ]),
  };
}
