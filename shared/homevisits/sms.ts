import { createHash } from 'node:crypto';
import type { Contact } from '../contacts/contact.js';
import type { PhoneDeps } from '../phone/engine.js';
import { getContact, listContactsByCounty } from '../store/contacts.js';
import { getElder } from '../store/elders.js';
import { closeFollowUp, listFollowUps, openFollowUp } from '../store/followups.js';
import { phoneKeys } from '../store/keys.js';
import { elderIdByCode, getElderProfiles, listPairings, putHomeVisitAttempt } from '../store/pairing.js';
import { claimOnce, releaseOnce } from '../store/phone.js';
import { listVisits, putVisit } from '../store/visits.js';
import { addDaysIso, dateInPolicyZone, type IsoDate, isoInPolicyZone } from '../time.js';
import type { VisitRecord } from '../visits/record.js';
import type { VisitAnswer } from './codes.js';
import {
  contactDigest,
  type DigestItem,
  followUpDaysLeft,
  homeVisitDue,
  type OverdueByContact,
  SUPERVISOR_AFTER_DAYS,
  shortName,
  supervisorDigest,
} from './digest.js';

const SIGNATURE = '【安心】';

export type DigestDeps = Pick<PhoneDeps, 'db' | 'policy' | 'queue' | 'now' | 'log'> & {
  /** the link to a contact's full list (signed visit links); no link line when absent */
  linkFor?: (contactId: string, today: IsoDate) => string | undefined | Promise<string | undefined>;
};

/** What one contact has due today: the digest items, and the elders overdue past the supervisor line. */
export async function contactItems(
  deps: Pick<DigestDeps, 'db'>,
  contactId: string,
  today: IsoDate,
): Promise<{ items: DigestItem[]; elders: number }> {
  const pairings = await listPairings(deps.db, contactId);
  const codeOf = new Map(pairings.map((p) => [p.elderId, p.code]));
  const elders = (
    await getElderProfiles(
      deps.db,
      pairings.map((p) => p.elderId),
    )
  ).filter((e) => e.status === 'active' && e.consent === 'accepted' && e.contactId === contactId);
  // the previous period of a yearly home visit is last year: read visits from its first day
  const from = `${Number(today.slice(0, 4)) - 1}-01-01`;
  const items: DigestItem[] = [];
  for (const elder of elders) {
    const base = {
      elderId: elder.id,
      name: elder.name,
      village: elder.region.village,
      code: codeOf.get(elder.id) ?? '',
    };
    const visits = await listVisits(deps.db, elder.id, from, today);
    const due = homeVisitDue(
      elder,
      visits.filter((v) => v.mode === 'home').map((v) => v.visitedOn),
      today,
    );
    if (due) items.push({ kind: 'homeVisit', ...base, daysLeft: due.daysLeft });
    for (const f of await listFollowUps(deps.db, elder.id)) {
      if (f.status !== 'open') continue;
      const openedOn = f.openedAt.slice(0, 10);
      const daysLeft = followUpDaysLeft({ dueOn: f.dueOn, openedOn }, today);
      // opened yesterday or today: not yet in a digest (at most one digest mentions it twice)
      const isNew = openedOn >= addDaysIso(today, -1);
      items.push({ kind: 'followUp', ...base, daysLeft, ...(isNew ? { isNew } : {}) });
    }
  }
  return { items, elders: elders.length };
}

export interface DigestRun {
  date: IsoDate;
  contacts: number;
  digests: number;
  supervisorDigests: number;
}

const hashed = (e164: string) => createHash('sha256').update(e164).digest('hex').slice(0, 16);

/**
 * The morning reminder run (08:30 Asia/Shanghai): each contact with something mentioned today gets
 * one digest, and each township supervisor a digest of home visits overdue by more than three days.
 * A once-only key per contact (and supervisor) and day makes a second run the same day send nothing.
 */
export async function runDigests(deps: DigestDeps): Promise<DigestRun> {
  const today = dateInPolicyZone(deps.now());
  const run: DigestRun = { date: today, contacts: 0, digests: 0, supervisorDigests: 0 };
  const supervisors = new Map<string, { phone: string; township: string; rows: OverdueByContact[] }>();
  for (const county of Object.keys(deps.policy.counties).sort()) {
    for (const contact of await listContactsByCounty(deps.db, county)) {
      run.contacts++;
      const { items } = await contactItems(deps, contact.id, today);
      // a link (a stored short link) only when a digest goes out today
      const plain = contactDigest({ items });
      const text =
        plain && deps.linkFor ? contactDigest({ items, link: await deps.linkFor(contact.id, today) }) : plain;
      if (text && (await sendOnce(deps, `digest-${contact.id}-${today}`, contact.phone, text))) run.digests++;
      collectOverdue(supervisors, contact, items);
    }
  }
  for (const [key, s] of supervisors) {
    const text = supervisorDigest(s.township, s.rows);
    if (text && (await sendOnce(deps, `digest-sup-${key}-${today}`, s.phone, text))) run.supervisorDigests++;
  }
  deps.log('digests sent', { ...run });
  return run;
}

function collectOverdue(
  supervisors: Map<string, { phone: string; township: string; rows: OverdueByContact[] }>,
  contact: Contact,
  items: readonly DigestItem[],
): void {
  const late = items.filter((i) => i.kind === 'homeVisit' && -i.daysLeft > SUPERVISOR_AFTER_DAYS);
  if (late.length === 0) return;
  const row: OverdueByContact = {
    contactName: contact.name,
    overdue: late.length,
    maxDays: Math.max(...late.map((i) => -i.daysLeft)),
  };
  for (const s of contact.supervisors ?? []) {
    const key = hashed(s.phone);
    const entry = supervisors.get(key) ?? { phone: s.phone, township: contact.township, rows: [] };
    entry.rows.push(row);
    supervisors.set(key, entry);
  }
}

/** Queues one digest text unless this key was sent today; the claim is given back if queueing fails. */
async function sendOnce(deps: DigestDeps, key: string, to: string, text: string): Promise<boolean> {
  const once = phoneKeys.outbox(key);
  if (!(await claimOnce(deps.db, once, deps.now(), 2))) return false;
  try {
    // the job's own key differs from the claim: the dispatcher claims `OUTBOX#<job key>` itself
    await deps.queue.send([{ kind: 'text', key: `${key}-text`, to, text, purpose: 'digest' }]);
    return true;
  } catch (error) {
    await releaseOnce(deps.db, once);
    throw error;
  }
}

export type VisitReplyResult = 'homeVisit' | 'notAtHome' | 'refused';

const ANSWER_TEXT: Record<VisitAnswer, string> = {
  1: '已上门探访,一切正常',
  2: '已上门探访,需跟进(已建跟进事项)',
  3: '上门未遇(不计入探访)',
};

/**
 * A contact's `<code> <1|2|3>` text (already deduplicated on its message id by the inbound handler).
 * The code is looked up among the elders paired with the sender's own number only, so a code is
 * useless from any other phone: that gets a refusal. 1 and 2 record a home visit by the contact
 * (2 also opens a follow-up item; 1 closes open ones), 3 keeps an attempt that meets no obligation.
 * The contact gets a confirmation.
 */
export async function handleVisitReply(
  deps: PhoneDeps,
  input: {
    from: string;
    contactIds: readonly string[];
    code: string;
    answer: VisitAnswer;
    messageId: string;
  },
): Promise<VisitReplyResult> {
  const now = deps.now();
  // provider message ids can be long: keys and ids carry a digest of it
  const id = `sms-${createHash('sha256').update(input.messageId).digest('hex').slice(0, 24)}`;
  let found: { contactId: string; elderId: string } | undefined;
  for (const contactId of input.contactIds) {
    const elderId = await elderIdByCode(deps.db, contactId, input.code);
    if (elderId) {
      found = { contactId, elderId };
      break;
    }
  }
  const elder = found ? await getElder(deps.db, found.elderId) : undefined;
  const contact = found ? await getContact(deps.db, found.contactId) : undefined;
  if (!found || !elder || !contact || elder.status !== 'active' || elder.contactId !== found.contactId) {
    await deps.queue.send([
      {
        kind: 'text',
        key: `hv-refused-${id}`,
        to: input.from,
        text: `${SIGNATURE}代码${input.code}不是您结对的老人,未记录。请核对短信中的代码。`,
        purpose: 'visitRefused',
      },
    ]);
    deps.log('home-visit text refused', {});
    return 'refused';
  }
  const at = isoInPolicyZone(now);
  if (input.answer === 3) {
    await putHomeVisitAttempt(deps.db, {
      id,
      elderId: elder.id,
      contactId: contact.id,
      at,
      outcome: 'notAtHome',
    });
  } else {
    // the inbound claim is released when later work fails; this marker keeps the retry from a second visit
    const marker = phoneKeys.outbox(`hv-visit-${id}`);
    if (await claimOnce(deps.db, marker, now)) {
      const visit: VisitRecord = {
        elderId: elder.id,
        visitedAt: at,
        mode: 'home',
        visitors: [contact.name],
        safetyRisks: [],
        note: `短信记录:${ANSWER_TEXT[input.answer]}`,
        id,
        visitedOn: dateInPolicyZone(now),
        localTime: at,
        county: elder.region.county,
        recordedBy: `contact:${contact.id}:sms`,
        recordedAt: at,
        // counts on its date; the contents are to be filled in within 7 days (issue 14)
        complete: false,
      };
      try {
        await putVisit(deps.db, visit);
      } catch (error) {
        await releaseOnce(deps.db, marker);
        throw error;
      }
    }
    const open = (await listFollowUps(deps.db, elder.id)).filter((f) => f.status === 'open');
    if (input.answer === 1) {
      for (const f of open) await closeFollowUp(deps.db, elder.id, f.id, at);
    } else {
      await openFollowUp(deps.db, {
        id,
        elderId: elder.id,
        contactId: contact.id,
        visitId: id,
        reason: 'needsFollowUp',
        risks: [],
        openedAt: at,
        status: 'open',
      });
    }
  }
  await deps.queue.send([
    {
      kind: 'text',
      key: `hv-confirm-${id}`,
      to: input.from,
      text: `${SIGNATURE}已记录:${shortName(elder.name)}(${elder.region.village})${ANSWER_TEXT[input.answer]}。`,
      purpose: 'visitConfirm',
      elderId: elder.id,
    },
  ]);
  deps.log('home-visit text recorded', { elderId: elder.id, answer: input.answer });
  return input.answer === 3 ? 'notAtHome' : 'homeVisit';
}
