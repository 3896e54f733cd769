import { getContact } from '../store/contacts.js';
import { getElder } from '../store/elders.js';
import { listCases } from '../store/phone.js';
import type { Case } from './case.js';
import { acknowledgeCase, type PhoneDeps } from './engine.js';
import type { InboundMessage } from './providers.js';

/**
 * A contact's bare acknowledgement (issue 13, part 4): "收到", "好", "OK" without the case code counts
 * when the sender has exactly one open case that notified their number; with several, the code is
 * asked for. Kept apart from inbound.ts (which calls it with one line) so it survives that file's
 * rewrite.
 */

/** The words that mean "received, I am on it", after NFKC, trimming and dropping end punctuation. */
const ACK = /^(?:收到|收到了|好|好的|知道了|明白|ok|okay|okk|嗯)$/i;

/**
 * True for a bare acknowledgement.
 * @example isBareAcknowledgement(' 收到！') // true
 * @example isBareAcknowledgement('收到2627') // false (the code path handles it)
 */
export function isBareAcknowledgement(body: string): boolean {
  const text = body
    .normalize('NFKC')
    .trim()
    .replace(/[。.!！~～,，\s]+$/u, '');
  return ACK.test(text);
}

/**
 * The open cases a number was notified of, among the cases given (newest first): the one to
 * acknowledge when there is exactly one, else how many there are.
 * @example chooseCase(cases, '+8613800138000') // { caseId: '…' } or { several: 2 } or undefined
 */
export function chooseCase(
  cases: readonly Pick<Case, 'id' | 'status' | 'steps'>[],
  from: string,
): { caseId: string } | { several: number } | undefined {
  const mine = cases.filter(
    (c) => c.status === 'open' && c.steps.some((s) => s.to === from && s.status === 'sent'),
  );
  if (mine.length === 0) return undefined;
  if (mine.length === 1) return { caseId: (mine[0] as Case).id };
  return { several: mine.length };
}

/** What a contact with several open cases is told (no names, no numbers: only how many). */
export const askForCodeText = (several: number) =>
  `【安心】您有 ${several} 个待处理的求助事件，请回复“收到”加事件编号（如 收到2627），以便确认是哪一位老人。`;

/**
 * The one call inbound.ts makes: a bare acknowledgement from a number notified of exactly one open case
 * acknowledges it; of several, the sender is asked for the code (one text per message id). Undefined
 * when the text is not a bare acknowledgement or no open case notified this number (an elder's "好"
 * goes on to the check-in replies).
 */
export async function acknowledgeBareReply(
  deps: PhoneDeps,
  message: Pick<InboundMessage, 'body' | 'carrierMessageId'>,
  from: string,
  owners: readonly { owner: string; elderId?: string; contactId?: string }[],
): Promise<'acknowledged' | 'kept' | undefined> {
  if (!isBareAcknowledgement(message.body)) return undefined;
  const counties = new Set<string>();
  for (const o of owners) {
    if (o.contactId) {
      const contact = await getContact(deps.db, o.contactId);
      if (contact) counties.add(contact.county);
    } else if (o.elderId) {
      const elder = await getElder(deps.db, o.elderId);
      if (elder) counties.add(elder.region.county);
    }
  }
  const cases = (await Promise.all([...counties].map((c) => listCases(deps.db, c, RECENT_CASES)))).flat();
  const choice = chooseCase(cases, from);
  if (!choice) return undefined;
  if ('caseId' in choice)
    return (await acknowledgeCase(deps, choice.caseId, from)) ? 'acknowledged' : undefined;
  await deps.queue.send([
    {
      kind: 'text',
      key: `ack-code-${message.carrierMessageId}`,
      to: from,
      text: askForCodeText(choice.several),
      purpose: 'help',
    },
  ]);
  return 'kept';
}

/** The newest cases of a county read for it (open cases are recent: the ladder runs in hours). */
const RECENT_CASES = 200;
