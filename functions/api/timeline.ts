import type { Case } from '../../shared/phone/case.js';
import type { Elder } from '../../shared/register/elder.js';
import type { Db } from '../../shared/store/client.js';
import { listFollowUps } from '../../shared/store/followups.js';
import { listKeptMessages } from '../../shared/store/kept-messages.js';
import { getCase, listCases, listCheckIns } from '../../shared/store/phone.js';
import { listVisits } from '../../shared/store/visits.js';
import { isoInPolicyZone } from '../../shared/time.js';

/** One entry of an elder's timeline: when, what kind, and a few fields that say what happened. */
export type TimelineEntry = { at: string; kind: 'checkIn' | 'visit' | 'case' | 'followUp' | 'text' } & Record<
  string,
  unknown
>;

/** How many of the county's newest cases are searched for the elder's cases opened without a check-in. */
const COUNTY_CASES = 200;
const CHECK_INS = 50;

const local = (at: string) => isoInPolicyZone(new Date(at));

/** A number an elder typed into a text (their own, a relative's) shows only its last four digits. */
export const maskNumbers = (text: string) =>
  text.replace(
    /\+?\d[\d -]{5,}\d/g,
    (n) => `${'*'.repeat(Math.max(0, n.replace(/\D/g, '').length - 4))}${n.replace(/\D/g, '').slice(-4)}`,
  );

/**
 * An elder's timeline, newest first: check-ins (each call and text with its outcome), visits, cases,
 * follow-ups and texts kept for staff. Phone numbers never appear (attempts carry none; case steps are
 * left out, their roles are enough here).
 */
export async function elderTimeline(
  db: Db,
  elder: Elder,
  today: string,
  limit: number,
): Promise<TimelineEntry[]> {
  const [checkIns, visits, followUps, texts, countyCases] = await Promise.all([
    listCheckIns(db, elder.id, CHECK_INS),
    listVisits(db, elder.id, '1900-01-01', today),
    listFollowUps(db, elder.id),
    listKeptMessages(db, elder.id),
    listCases(db, elder.region.county, COUNTY_CASES),
  ]);
  const caseIds = new Set([
    ...countyCases.filter((c) => c.elderId === elder.id).map((c) => c.id),
    ...checkIns.flatMap((c) => (c.caseId ? [c.caseId] : [])),
  ]);
  const known = new Map(countyCases.map((c) => [c.id, c]));
  const cases = (
    await Promise.all([...caseIds].map(async (id) => known.get(id) ?? (await getCase(db, id))))
  ).filter((c): c is Case => c !== undefined && c.elderId === elder.id);

  const entries: TimelineEntry[] = [
    ...checkIns.map((c) => ({
      at: local(c.openedAt),
      kind: 'checkIn' as const,
      id: c.id,
      channel: c.channel,
      status: c.status,
      attempts: c.attempts.map((a) => ({
        n: a.n,
        channel: a.channel,
        at: local(a.placedAt ?? a.plannedAt),
        status: a.status,
        ...(a.outcome ? { outcome: a.outcome } : {}),
      })),
      ...(c.caseId ? { caseId: c.caseId } : {}),
      ...(c.closedAt ? { closedAt: local(c.closedAt) } : {}),
    })),
    ...visits.map((v) => ({
      at: v.localTime,
      kind: 'visit' as const,
      id: v.id,
      mode: v.mode,
      visitedOn: v.visitedOn,
      visitors: v.visitors,
      recordedBy: v.recordedBy,
      safetyRisks: v.safetyRisks,
      ...(v.followUpOn ? { followUpOn: v.followUpOn } : {}),
    })),
    ...cases.map((c) => ({
      at: local(c.openedAt),
      kind: 'case' as const,
      id: c.id,
      reason: c.reason,
      status: c.status,
      level: c.level,
      ...(c.acknowledgedAt ? { acknowledgedAt: local(c.acknowledgedAt) } : {}),
      ...(c.closedAt ? { closedAt: local(c.closedAt), closure: c.closure, closedBy: c.closedBy } : {}),
    })),
    ...followUps.map((f) => ({
      at: local(f.openedAt),
      kind: 'followUp' as const,
      id: f.id,
      reason: f.reason,
      risks: f.risks,
      status: f.status,
      visitId: f.visitId,
      ...(f.dueOn ? { dueOn: f.dueOn } : {}),
      ...(f.closedAt ? { closedAt: f.closedAt } : {}),
    })),
    ...texts.map((t) => ({ at: local(t.at), kind: 'text' as const, id: t.id, text: maskNumbers(t.body) })),
  ];
  const time = (e: TimelineEntry) => new Date(e.at).getTime();
  return entries.sort((a, b) => time(b) - time(a) || b.kind.localeCompare(a.kind)).slice(0, limit);
}
