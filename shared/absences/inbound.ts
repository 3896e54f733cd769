import { endAbsenceEarly, listAbsences, putAbsence } from '../store/absences.js';
import type { Db } from '../store/client.js';
import { getElder } from '../store/elders.js';
import { elderIdByCode, listPairings } from '../store/pairing.js';
import { dateInPolicyZone } from '../time.js';
import { AbsenceRefused, awayInterval, type Declarer, declareAbsence } from './absence.js';
import { parseAbsenceText } from './parse.js';

/**
 * Absences declared by text: the one function the inbound-text handler calls (issue 16 part 2). It
 * reads the text, finds the elder (the sender's own record; a contact's home-visit code, or their only
 * elder), declares or ends the absence once per message id, and says what to reply. Texts that are not
 * about an absence are left to the caller (`handled: false`): a check-in reply `1` or `2`, a visit
 * code reply `12 1`, a case code all come back unhandled.
 */
export type TextSender =
  | { role: 'elder'; elderId: string }
  /** an emergency contact (family member) of the elder */
  | { role: 'family'; elderId: string }
  | { role: 'contact'; contactId: string };

export type AbsenceTextOutcome =
  | { handled: false }
  | {
      handled: true;
      outcome: 'declared' | 'duplicate' | 'ended' | 'nothingToEnd' | 'needsDate' | 'needsCode' | 'refused';
      elderId?: string;
      absenceId?: string;
      /** the text to send back (Chinese, with the carriers' signature) */
      reply: string;
    };

const SIGNATURE = '【安心】';
export const absenceReplies = {
  declared: (until: string) =>
    `${SIGNATURE}已登记外出，${Number(until.slice(5, 7))}月${Number(until.slice(8, 10))}日起恢复平安回访。提前回家请回复“回来了”。`,
  needsDate: () => `${SIGNATURE}请注明外出天数或返回日期，如“外出3天”或“住院到12月20日”。`,
  needsCode: () => `${SIGNATURE}请在前面加上老人的探访代码，如“12 外出3天”。`,
  ended: () => `${SIGNATURE}欢迎回家，平安回访已恢复。`,
  nothingToEnd: () => `${SIGNATURE}已收到，目前没有外出登记。`,
  refused: () => `${SIGNATURE}返回日期应在今天之后、92天以内，请重新发送。`,
};

export async function absenceFromText(
  db: Db,
  sender: TextSender,
  text: string,
  messageId: string,
  now: Date,
): Promise<AbsenceTextOutcome> {
  const today = dateInPolicyZone(now);
  const parsed = parseAbsenceText(text, today);
  if (!parsed) return { handled: false };
  let elderId: string | undefined;
  let who: Declarer;
  let ref: string | undefined;
  if (sender.role === 'contact') {
    who = 'contact';
    ref = sender.contactId;
    if (parsed.code) elderId = await elderIdByCode(db, sender.contactId, parsed.code);
    else {
      const pairings = await listPairings(db, sender.contactId);
      if (pairings.length === 1) elderId = pairings[0]?.elderId;
    }
    if (!elderId) return { handled: true, outcome: 'needsCode', reply: absenceReplies.needsCode() };
  } else {
    // an elder's or family member's text naming a code is not theirs to read: take the sender's elder
    elderId = sender.elderId;
    who = sender.role;
  }
  const elder = await getElder(db, elderId);
  if (!elder) return { handled: false };
  if (parsed.kind === 'back') {
    const current = (await listAbsences(db, elderId)).filter((a) => {
      const { start, end } = awayInterval(a);
      return end > now.getTime() && start <= now.getTime() + 86_400_000;
    });
    for (const a of current) await endAbsenceEarly(db, a, `${who}:text`, now.toISOString());
    return current.length > 0
      ? { handled: true, outcome: 'ended', elderId, reply: absenceReplies.ended() }
      : { handled: true, outcome: 'nothingToEnd', elderId, reply: absenceReplies.nothingToEnd() };
  }
  if (!parsed.until)
    return { handled: true, outcome: 'needsDate', elderId, reply: absenceReplies.needsDate() };
  try {
    const absence = declareAbsence({
      id: `sms-${messageId}`.slice(0, 80),
      elder,
      input: { until: parsed.until, reason: parsed.reason, note: parsed.note },
      who,
      via: 'text',
      ref,
      today,
      now,
    });
    const created = await putAbsence(db, absence);
    return {
      handled: true,
      outcome: created ? 'declared' : 'duplicate',
      elderId,
      absenceId: absence.id,
      reply: absenceReplies.declared(absence.until),
    };
  } catch (error) {
    if (error instanceof AbsenceRefused)
      return { handled: true, outcome: 'refused', elderId, reply: absenceReplies.refused() };
    throw error;
  }
}
