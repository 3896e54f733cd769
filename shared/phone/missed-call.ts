import { toE164 } from '../registration/phone.js';
import { getElder } from '../store/elders.js';
import { phoneKeys } from '../store/keys.js';
import { bumpStat, claimOnce, getCheckIn, getSchedule, ownersOfPhone, releaseOnce } from '../store/phone.js';
import { dateInPolicyZone } from '../time.js';
import { replyTarget } from './checkin.js';
import { type PhoneDeps, recordOutcome, wellWithoutCheckIn } from './engine.js';

export type MissedCallResult = 'duplicate' | 'unknownNumber' | 'well';

/**
 * A ring from an elder's registered phone to the service number is a check-in: "well" for the day
 * (the open check-in closes well, or a remote visit is recorded, once a day). The call is never
 * answered, so it costs the elder nothing. A ring from any other number is counted and ignored.
 * Carrier-neutral: the adapter passes the caller's number and its own call id (deduplicated here).
 */
export async function missedCall(
  deps: PhoneDeps,
  call: { from: string; callId: string },
): Promise<MissedCallResult> {
  const now = deps.now();
  const date = dateInPolicyZone(now);
  const from = toE164(call.from);
  const owners = from ? await ownersOfPhone(deps.db, from) : [];
  const elderIds = [
    ...new Set(owners.flatMap((o) => (o.owner.startsWith('ELDER#') && o.elderId ? [o.elderId] : []))),
  ];
  if (elderIds.length === 0) {
    // counted and dropped, nothing stored (a repeated event may count twice: a counter, not a record)
    await bumpStat(deps.db, 'inboundCallUnknown', date);
    return 'unknownNumber';
  }
  const claim = phoneKeys.inbound(`call-${call.callId}`);
  if (!(await claimOnce(deps.db, claim, now, 2))) return 'duplicate';
  try {
    for (const elderId of elderIds) await wellForTheDay(deps, elderId, date);
  } catch (error) {
    // the retried event must find the work undone, not a claim saying it was done
    await releaseOnce(deps.db, claim);
    throw error;
  }
  await bumpStat(deps.db, 'inboundCallWell', date);
  return 'well';
}

/**
 * Once a day per elder: the open check-in closes well; without one, a remote visit is recorded. (The
 * day's claim is released when the work fails, with the call's.)
 */
async function wellForTheDay(deps: PhoneDeps, elderId: string, date: string): Promise<void> {
  const day = phoneKeys.outbox(`missed-call-${elderId}-${date}`);
  if (!(await claimOnce(deps.db, day, deps.now(), 2))) return;
  try {
    const open = (await getSchedule(deps.db, elderId))?.openCheckInId;
    const checkIn = open ? await getCheckIn(deps.db, open) : undefined;
    if (checkIn && checkIn.status === 'open') {
      await recordOutcome(deps, checkIn.id, replyTarget(checkIn), 'well');
    } else {
      const elder = await getElder(deps.db, elderId);
      if (elder) await wellWithoutCheckIn(deps, elder, 'missedCall');
    }
  } catch (error) {
    await releaseOnce(deps.db, day);
    throw error;
  }
  deps.log('missed call: well', { elderId });
}
