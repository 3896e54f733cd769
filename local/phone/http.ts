/**
 * The JSON side of http://localhost:8787/phone: the simulated phones a person answers by hand (their
 * calls, prompts and texts), the keypad, texting back, and starting a check-in or a planner run now.
 * Served behind the same edge as the admin API (errors mapped in one place, one log line per request
 * with method, route and status only), so no name or number is ever logged here.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import * as z from 'zod';
import { type HttpEvent, type HttpResult, httpEdge, json, jsonBody } from '../../functions/api/http.js';
import { DomainError, ElderNotFound } from '../../shared/errors.js';
import { policyFor } from '../../shared/phone/config.js';
import { checkInNow, type PlannerResult } from '../../shared/phone/engine.js';
import { type CallWindow, isInWindow, nextWindowStart } from '../../shared/phone/windows.js';
import type { Elder } from '../../shared/register/elder.js';
import { maskPhone } from '../../shared/registration/phone.js';
import type { Db } from '../../shared/store/client.js';
import { getElder, receivesCheckIns } from '../../shared/store/elders.js';
import { getSchedule, setCheckInDue } from '../../shared/store/phone.js';
import { isoInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { phonePage } from './page.js';
import type { phoneRuntime } from './runtime.js';

/** A phone shown at /phone: an elder's or a visit contact's, answered by a person. */
export interface ManualPhone {
  number: string;
  kind: 'elder' | 'contact';
  /** elder id or contact id */
  id: string;
  name: string;
  county: string;
  village?: string;
  /** elders: how their check-ins come (a call, or a text to answer) */
  channel?: 'voice' | 'sms';
  /** elders: the number of their paired visit contact */
  contactNumber?: string;
}

export interface PhoneDemo {
  runtime: ReturnType<typeof phoneRuntime>;
  manual: ManualPhone[];
}

/**
 * Makes an elder's next check-in due at `at` (the planner starts it on its next run). Refused when a
 * check-in is already open or the schedule is suspended: false then.
 */
export function scheduleDueAt(db: Db, elderId: string, at: Date, now: Date): Promise<boolean> {
  return setCheckInDue(db, elderId, at.toISOString(), now);
}

/** Runs the planner one run at a time, whoever asks (the timer, plan-now, call-now). */
export function serialPlanner(run: () => Promise<PlannerResult>): () => Promise<PlannerResult> {
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const next = last.then(run);
    last = next.catch(() => undefined);
    return next;
  };
}

const providerId = z.string().min(1).max(100);
const answerBody = z.strictObject({ providerId });
const pressBody = z.strictObject({ providerId, digit: z.string().regex(/^[0-9]$/) });
const textBody = z.strictObject({
  from: z.string().min(3).max(20),
  body: z.string().trim().min(1).max(500),
});
const callNowBody = z.strictObject({ elderId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) });

/** How long an ended call stays on a phone's screen. */
const ENDED_CALL_MS = 3 * 60_000;
const TEXTS_PER_PHONE = 30;

const windowText = (windows: readonly CallWindow[]) => windows.map((w) => `${w.start}-${w.end}`).join(', ');

/** The /phone page and its endpoints as one handler; `plan` runs the planner now. */
export function phoneApi(
  demo: PhoneDemo,
  options: { plan: () => Promise<PlannerResult>; logger: Logger; digests?: () => Promise<unknown> },
) {
  const { runtime } = demo;
  const { network, deps } = runtime;
  const numbers = new Set(demo.manual.map((p) => p.number));

  const page = async (): Promise<HttpResult> => ({
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy':
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:",
    },
    body: phonePage(),
  });

  const state = async (): Promise<HttpResult> => {
    const now = deps.now();
    const recent = new Date(now.getTime() - ENDED_CALL_MS).toISOString();
    const calls = network.calls
      .filter((c) => !c.endedAt || (numbers.has(c.to) && c.endedAt >= recent))
      .map((c) => ({
        providerId: c.providerId,
        to: c.to,
        purpose: c.context.purpose,
        at: c.at,
        ...(c.answeredAt ? { answeredAt: c.answeredAt } : {}),
        ...(c.endedAt ? { endedAt: c.endedAt } : {}),
        ...(c.digits ? { digits: c.digits } : {}),
        prompts: c.prompts,
        manual: network.isManual(c.providerId),
      }));
    const texts: { id: string; phone: string; direction: 'in' | 'out'; at: string; text: string }[] = [];
    const perPhone = new Map<string, number>();
    for (let i = network.texts.length - 1; i >= 0; i--) {
      const t = network.texts[i];
      if (!t) continue;
      const phone = t.direction === 'out' ? t.to : t.from;
      const count = perPhone.get(phone) ?? 0;
      if (!numbers.has(phone) || count >= TEXTS_PER_PHONE) continue;
      perPhone.set(phone, count + 1);
      texts.push({ id: t.providerId, phone, direction: t.direction, at: t.at, text: t.text });
    }
    return json(200, {
      now: now.toISOString(),
      clock: isoInPolicyZone(now).slice(0, 16).replace('T', ' '),
      phones: demo.manual.map((p) => {
        const windows = policyFor(deps.phonePolicies, p.county).windows;
        return {
          ...p,
          masked: maskPhone(p.number),
          ...(p.kind === 'elder' ? { windows: windowText(windows), inWindow: isInWindow(now, windows) } : {}),
        };
      }),
      calls,
      texts: texts.reverse(),
      totals: {
        calls: network.calls.length,
        callsInProgress: network.openCalls().length,
        texts: network.texts.length,
      },
    });
  };

  const callAction =
    (act: (id: string, digit?: string) => Promise<boolean>, schema: typeof answerBody | typeof pressBody) =>
    async (event: HttpEvent): Promise<HttpResult> => {
      const body = parseOrThrow(schema, jsonBody(event)) as { providerId: string; digit?: string };
      if (!(await act(body.providerId, body.digit)))
        throw new DomainError('phone.callNotFound', 404, 'providerId');
      return json(200, { ok: true });
    };

  const text = async (event: HttpEvent): Promise<HttpResult> => {
    const body = parseOrThrow(textBody, jsonBody(event));
    if (!network.phones.has(body.from)) throw new DomainError('phone.notSimulated', 422, 'from');
    await network.textIn(body.from, body.body);
    return json(202, { ok: true });
  };

  /** A check-in for one elder now: only inside the elder's calling windows, never at night. */
  const callNow = async (event: HttpEvent): Promise<HttpResult> => {
    const { elderId } = parseOrThrow(callNowBody, jsonBody(event));
    const elder = await getElder(deps.db, elderId);
    if (!elder) throw new ElderNotFound(elderId);
    if (!receivesCheckIns(elder)) throw new DomainError('checkIn.notReceiving', 409, 'elderId');
    const own = (elder as Elder & { callWindows?: CallWindow[] }).callWindows;
    const windows = own && own.length > 0 ? own : policyFor(deps.phonePolicies, elder.region.county).windows;
    const now = deps.now();
    if (!isInWindow(now, windows)) {
      throw new DomainError('checkIn.outsideWindow', 409, 'elderId', {
        windows: windowText(windows),
        nextWindowAt: isoInPolicyZone(nextWindowStart(now, windows)),
      });
    }
    const schedule = await getSchedule(deps.db, elderId);
    // opened at once, its call in the priority lane: never behind the planner's run or a backlog
    if (schedule?.openCheckInId || (await checkInNow(deps, elderId)) !== 'started')
      throw new DomainError('checkIn.alreadyOpen', 409, 'elderId');
    return json(202, { started: 1, channel: elder.channel });
  };

  const planNow = async (): Promise<HttpResult> => json(200, await options.plan());
  /** the contacts' morning digests now (once a day per contact, as at 08:30) */
  const digestsNow = async (): Promise<HttpResult> =>
    json(200, (await options.digests?.()) ?? { digests: 0 });

  const routes: Route<HttpEvent, HttpResult>[] = [
    { method: 'GET', path: '/phone', handler: page },
    { method: 'GET', path: '/phone/', handler: page },
    { method: 'GET', path: '/phone/api/state', handler: state },
    {
      method: 'POST',
      path: '/phone/api/answer',
      handler: callAction((id) => network.answer(id), answerBody),
    },
    {
      method: 'POST',
      path: '/phone/api/press',
      handler: callAction((id, digit) => network.press(id, digit ?? ''), pressBody),
    },
    {
      method: 'POST',
      path: '/phone/api/hangup',
      handler: callAction((id) => network.hangUp(id), answerBody),
    },
    { method: 'POST', path: '/phone/api/text', handler: text },
    { method: 'POST', path: '/phone/api/call-now', handler: callNow },
    { method: 'POST', path: '/phone/api/plan-now', handler: planNow },
    { method: 'POST', path: '/phone/api/digests-now', handler: digestsNow },
  ];
  return middy<HttpEvent, HttpResult>()
    .use(httpEdge(options.logger))
    .handler(httpRouterHandler<HttpEvent, HttpResult>(routes));
}

/** True for the paths the /phone handler serves; everything else goes to the admin API. */
export const isPhonePath = (path: string) => /^\/phone(\/|$)/.test(path);
