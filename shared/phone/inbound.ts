import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { parseVisitReply } from '../homevisits/codes.js';
import { handleVisitReply } from '../homevisits/sms.js';
import type { Elder } from '../register/elder.js';
import { toE164 } from '../registration/phone.js';
import { getContact } from '../store/contacts.js';
import { getElder } from '../store/elders.js';
import { elderKeys, phoneKeys } from '../store/keys.js';
import {
  bumpStat,
  claimOnce,
  getCheckIn,
  getSchedule,
  keepMessage,
  listCheckIns,
  ownersOfPhone,
  releaseOnce,
} from '../store/phone.js';
import { providerText } from '../text.js';
import { dateInPolicyZone, isoInPolicyZone } from '../time.js';
import { acknowledgeBareReply } from './acknowledge.js';
import { replyTarget } from './checkin.js';
import {
  acknowledgeCase,
  caseForCode,
  helpWithoutCheckIn,
  type PhoneDeps,
  recordHelpReply,
  recordOutcome,
  switchToCalls,
  wellWithoutCheckIn,
} from './engine.js';
import type { InboundMessage } from './providers.js';
import { normaliseReply, replyMeaning } from './replies.js';
import { optOutConfirmText, optOutNoticeText, replyHelpText } from './texts.js';

/**
 * An inbound text as End User Messaging delivers it (JSON in the SNS message). The optional fields
 * may come as null (a text that answers nothing we sent has no previousPublishedMessageId).
 */
export const inboundTextSchema = z.looseObject({
  originationNumber: z.string().min(3).max(40),
  destinationNumber: z.string().max(40).nullish(),
  messageKeyword: z.string().max(100).nullish(),
  messageBody: providerText(2000), // the text gate (shared/text.ts), never refusing
  inboundMessageId: z.string().min(1).max(200),
  previousPublishedMessageId: z.string().max(200).nullish(),
});
export type InboundText = z.output<typeof inboundTextSchema>;

/** End User Messaging's inbound text, normalised (`receivedAt`: the SNS notification's time). */
export function fromEndUserMessaging(text: InboundText, receivedAt: string): InboundMessage {
  return {
    from: text.originationNumber,
    ...(text.destinationNumber ? { to: text.destinationNumber } : {}),
    body: text.messageBody,
    carrierMessageId: text.inboundMessageId,
    receivedAt,
  };
}

export type InboundResult =
  | 'duplicate'
  | 'unknownNumber'
  | 'acknowledged'
  | 'well'
  | 'help'
  | 'optOut'
  | 'kept'
  | 'ignored'
  // home visits (issue 4): a contact's `<code> <1|2|3>`
  | 'homeVisit'
  | 'notAtHome'
  | 'refused';

/** A late reply still counts within this time after its check-in opened. */
const LATE_REPLY_MS = 3 * 86_400_000;

/**
 * Handles one inbound text: deduplicated on its message id; matched by the sender's number to a
 * case (code), or to elders and their open check-in; texts from unknown numbers are counted and
 * dropped, never stored.
 */
export async function handleInboundText(deps: PhoneDeps, message: InboundMessage): Promise<InboundResult> {
  const now = deps.now();
  const from = toE164(message.from);
  if (!from) {
    await bumpStat(deps.db, 'inboundUnknown', dateInPolicyZone(now));
    return 'unknownNumber';
  }
  const owners = await ownersOfPhone(deps.db, from);
  if (owners.length === 0) {
    await bumpStat(deps.db, 'inboundUnknown', dateInPolicyZone(now));
    return 'unknownNumber';
  }
  const claim = phoneKeys.inbound(message.carrierMessageId);
  if (!(await claimOnce(deps.db, claim, now))) return 'duplicate';
  try {
    return await handleClaimed(deps, message, from, owners, now);
  } catch (error) {
    // the retried delivery must find the work undone, not a claim saying it was done
    await releaseOnce(deps.db, claim);
    throw error;
  }
}

async function handleClaimed(
  deps: PhoneDeps,
  message: InboundMessage,
  from: string,
  owners: Awaited<ReturnType<typeof ownersOfPhone>>,
  now: Date,
): Promise<InboundResult> {
  // home visits (issue 4): `<code> <1|2|3>` (2–3 digits, never a 4-digit case code) is a home-visit
  // record, taken only from the paired contact's number; from any other known number it is refused
  const visitReply = parseVisitReply(message.body);
  if (visitReply) {
    const contactIds = owners.flatMap((o) =>
      o.owner.startsWith('CONTACT#') && o.contactId ? [o.contactId] : [],
    );
    return handleVisitReply(deps, { from, contactIds, ...visitReply, messageId: message.carrierMessageId });
  }
  const body = normaliseReply(message.body);
  const code = /(?:^|\D)(\d{4})(?:\D|$)/.exec(body)?.[1];
  if (code) {
    const c = await caseForCode(deps, code, from);
    if (c && (await acknowledgeCase(deps, c.id, from))) return 'acknowledged';
  }
  // issue 13: "收到" / "好" / "OK" acknowledges the sender's only open case (shared/phone/acknowledge.ts)
  const bare = await acknowledgeBareReply(deps, message, from, owners);
  if (bare) return bare;
  const elderIds = [
    ...new Set(
      owners.filter((o) => o.owner.startsWith('ELDER#') && o.elderId).map((o) => o.elderId as string),
    ),
  ];
  if (elderIds.length === 0) return 'ignored';
  const meaning = replyMeaning(message.body);
  let result: InboundResult = 'ignored';
  for (const elderId of elderIds) {
    const elder = await getElder(deps.db, elderId);
    if (!elder) continue;
    if (meaning === 'optOut') {
      await optOut(deps, elder, from, message.carrierMessageId);
      result = 'optOut';
    } else if (meaning === 'well' || meaning === 'help') {
      const checkInId = await replyCheckIn(deps, elder, now);
      if (checkInId) {
        const checkIn = await getCheckIn(deps.db, checkInId);
        if (checkIn && meaning === 'help') await recordHelpReply(deps, checkInId, replyTarget(checkIn));
        else if (checkIn) await recordOutcome(deps, checkInId, replyTarget(checkIn), meaning);
      } else if (meaning === 'help') await helpWithoutCheckIn(deps, elder);
      else await wellWithoutCheckIn(deps, elder);
      result = meaning;
    } else {
      await keepMessage(deps.db, elder.id, {
        at: isoInPolicyZone(now),
        id: message.carrierMessageId,
        body: message.body.slice(0, 500),
      });
      // one help text a day at most, so two machines can never talk to each other forever
      const once = phoneKeys.outbox(`help-${from}-${dateInPolicyZone(now)}`);
      if (await claimOnce(deps.db, once, now, 2)) {
        await deps.queue.send([
          {
            kind: 'text',
            key: `help-${message.carrierMessageId}`,
            to: from,
            text: replyHelpText(),
            purpose: 'help',
            elderId: elder.id,
          },
        ]);
      }
      result = 'kept';
    }
  }
  return result;
}

/** The check-in a reply answers: the open one, or one closed for no response a short while ago. */
async function replyCheckIn(deps: PhoneDeps, elder: Elder, now: Date): Promise<string | undefined> {
  const schedule = await getSchedule(deps.db, elder.id);
  if (schedule?.openCheckInId) return schedule.openCheckInId;
  const recent = (await listCheckIns(deps.db, elder.id, 3)).at(-1);
  if (recent && now.getTime() - new Date(recent.openedAt).getTime() < LATE_REPLY_MS) return recent.id;
  return undefined;
}

/**
 * TD / 退订 / STOP: texts stop for this elder (calls go on), on the audit trail; the elder is told and
 * the paired contact is asked to follow up.
 */
async function optOut(deps: PhoneDeps, elder: Elder, from: string, messageId: string): Promise<void> {
  const now = deps.now();
  const at = isoInPolicyZone(now);
  const schedule = await getSchedule(deps.db, elder.id);
  if (!schedule?.smsOptOut) {
    await deps.db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: deps.db.tableName,
              Key: elderKeys.profile(elder.id),
              UpdateExpression: 'SET smsOptOut = :t, version = :next, updatedAt = :at',
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: {
                ':t': true,
                ':next': elder.version + 1,
                ':v': elder.version,
                ':at': at,
              },
            },
          },
          {
            Put: {
              TableName: deps.db.tableName,
              Item: {
                ...elderKeys.audit(elder.id, elder.version + 1),
                type: 'audit',
                version: elder.version + 1,
                elderId: elder.id,
                at,
                actor: 'elder:sms-reply',
                action: 'optOut',
                fields: ['smsOptOut'],
                oldCategory: elder.category,
                newCategory: elder.category,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: deps.db.tableName,
              Key: phoneKeys.schedule(elder.id),
              UpdateExpression: 'SET smsOptOut = :t',
              ExpressionAttributeValues: { ':t': true },
            },
          },
        ],
      }),
    );
  }
  const open = (await getSchedule(deps.db, elder.id))?.openCheckInId;
  if (open) await switchToCalls(deps, open);
  const contact = elder.contactId ? await getContact(deps.db, elder.contactId) : undefined;
  await deps.queue.send([
    {
      kind: 'text',
      key: `optout-${messageId}`,
      to: from,
      text: optOutConfirmText(),
      purpose: 'optOutConfirm',
      elderId: elder.id,
    },
    ...(contact
      ? [
          {
            kind: 'text' as const,
            key: `optout-notice-${messageId}`,
            to: contact.phone,
            text: optOutNoticeText(elder.name, elder.region.village),
            purpose: 'optOutNotice' as const,
            elderId: elder.id,
          },
        ]
      : []),
  ]);
  deps.log('elder opted out of texts', { elderId: elder.id });
}
