import type { SimPhone } from '../../local/phone/network.js';
import { phoneRuntime } from '../../local/phone/runtime.js';
import { VirtualTimeline } from '../../local/phone/timeline.js';
import { makePolicyConfig } from '../../shared/config.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_PHONE_POLICY,
  type PhoneVisitPolicy,
  type ProviderLimits,
} from '../../shared/phone/config.js';
import type { Elder } from '../../shared/register/elder.js';
import { registerElder } from '../../shared/register/service.js';
import type { RegistrationInput } from '../../shared/registration/schema.js';
import type { Db } from '../../shared/store/client.js';
import { putContact } from '../../shared/store/contacts.js';

/** A phone-visit world on a virtual clock: the real engine, DynamoDB Local, the simulated network. */
export function phoneWorld(
  db: Db,
  start: Date,
  options: { policy?: Partial<PhoneVisitPolicy>; limits?: ProviderLimits } = {},
) {
  const timeline = new VirtualTimeline(start);
  const logs: string[] = [];
  const policy = makePolicyConfig();
  const phonePolicy: PhoneVisitPolicy = { ...DEFAULT_PHONE_POLICY, ...options.policy };
  const runtime = phoneRuntime({
    db,
    policy,
    phonePolicies: { '*': phonePolicy },
    limits: options.limits ?? DEFAULT_LIMITS,
    timeline,
    onLog: (line) => logs.push(line),
  });
  let contactSeq = 0;
  return {
    ...runtime,
    timeline,
    logs,
    policy,
    /** a visit contact with a simulated phone */
    async contact(phone: string, behaviour: 'ack' | 'ignore' = 'ack', delayMinutes = 10) {
      const id = `contact-${++contactSeq}-${Math.random().toString(36).slice(2, 8)}`;
      await putContact(db, {
        id,
        name: `联系人${contactSeq}`,
        phone,
        role: 'committeeStaff',
        county: '440703',
        township: '潮连街道',
      });
      runtime.network.addPhone({
        number: phone,
        kind: 'contact',
        id,
        label: id,
        voice: ['no-answer'],
        sms: 'no-reply',
        contact: { behaviour, delayMinutes },
      });
      return id;
    },
    /** an elder registered now, with a simulated phone behaving as given */
    async elder(
      body: RegistrationInput,
      behaviour: { voice?: SimPhone['voice']; sms?: SimPhone['sms'] } = {},
    ): Promise<Elder> {
      const elder = await registerElder({ db, policy }, body, { actor: 'test', now: timeline.now() });
      runtime.network.addPhone({
        number: elder.phone,
        kind: 'elder',
        id: elder.id,
        label: elder.id,
        voice: behaviour.voice ?? ['press-1'],
        sms: behaviour.sms ?? 'no-reply',
      });
      for (const c of elder.emergencyContacts) {
        if (!runtime.network.phones.has(c.phone))
          runtime.network.addPhone({
            number: c.phone,
            kind: 'contact',
            id: `${elder.id}-ec`,
            label: 'emergency',
            voice: ['no-answer'],
            sms: 'no-reply',
            contact: { behaviour: 'ignore', delayMinutes: 0 },
          });
      }
      return elder;
    },
    /** runs the planner every 5 minutes and everything else until `until` */
    async runUntil(until: Date) {
      runtime.startPlanner();
      await timeline.runUntil(until);
      runtime.stop();
      if (timeline.errors.length > 0) throw timeline.errors[0];
    },
  };
}

/** An instant given in Asia/Shanghai local time. */
export const shanghai = (local: string) => new Date(`${local}+08:00`);
