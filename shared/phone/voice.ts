import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { getCampaign } from '../store/campaigns.js';
import { getElder } from '../store/elders.js';
import { getCall, getCase, getCheckIn } from '../store/phone.js';
import type { Outcome } from './checkin.js';
import { acknowledgeCase, callEnded, type PhoneDeps, recordOutcome } from './engine.js';
import type { CallContext } from './providers.js';
import { keypadMeaning } from './replies.js';
import {
  checkInPromptParts,
  helpGoodbye,
  type Language,
  noInputGoodbye,
  notifyPrompt,
  notifyThanks,
  spokenLanguage,
  VOICES,
  wellGoodbye,
} from './texts.js';

/**
 * The SIP media application's side of a call (Amazon Chime SDK PSTN Audio). Chime invokes the Lambda
 * for each event and waits up to 5 s for the actions; state between invocations travels in the
 * transaction attributes, never in memory.
 */
const participant = z.looseObject({
  CallId: z.string().max(200).optional(),
  ParticipantTag: z.string().max(20).optional(),
  To: z.string().max(40).optional(),
  From: z.string().max(40).optional(),
});

export const smaEventSchema = z.looseObject({
  SchemaVersion: z.string().max(10),
  Sequence: z.number().int().nonnegative().optional(),
  InvocationEventType: z.string().min(1).max(60),
  CallDetails: z.looseObject({
    TransactionId: z.string().min(1).max(200),
    // the docs name it both ways
    SipMediaApplicationId: z.string().max(200).optional(),
    SipApplicationId: z.string().max(200).optional(),
    Participants: z.array(participant).max(10).default([]),
    TransactionAttributes: z.record(z.string().max(100), z.string().max(2000)).optional(),
  }),
  ActionData: z
    .looseObject({
      Type: z.string().max(60).optional(),
      ReceivedDigits: z.string().max(40).optional(),
      ErrorType: z.string().max(200).optional(),
      Parameters: z
        .looseObject({
          SipResponseCode: z.union([z.string(), z.number()]).optional(),
          Arguments: z.record(z.string(), z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type SmaEvent = z.output<typeof smaEventSchema>;

export interface SmaAction {
  Type: string;
  Parameters: Record<string, unknown>;
}
export interface SmaResponse {
  SchemaVersion: '1.0';
  Actions: SmaAction[];
  TransactionAttributes?: Record<string, string>;
}

const MAX_PROMPTS = 3;

const speech = (text: string, language: Language) => ({
  Text: text,
  Engine: VOICES[language].engine,
  LanguageCode: VOICES[language].languageCode,
  TextType: 'ssml',
  VoiceId: VOICES[language].voiceId,
});

/** Any single key is taken, so a wrong key can be answered with the prompt again. */
function askDigits(callId: string, text: string, language: Language): SmaAction {
  return {
    Type: 'SpeakAndGetDigits',
    Parameters: {
      CallId: callId,
      InputDigitsRegex: '^[0-9]$',
      SpeechParameters: speech(text, language),
      FailureSpeechParameters: speech(text, language),
      MinNumberOfDigits: 1,
      MaxNumberOfDigits: 1,
      TerminatorDigits: ['#'],
      InBetweenDigitsDurationInMilliseconds: 5000,
      Repeat: 1,
      RepeatDurationInMilliseconds: 10000,
    },
  };
}

const say = (callId: string, text: string, language: Language): SmaAction => ({
  Type: 'Speak',
  Parameters: { CallId: callId, ...speech(text, language) },
});
const hangup = (): SmaAction => ({
  Type: 'Hangup',
  Parameters: { SipResponseCode: '0', ParticipantTag: 'LEG-A' },
});

/** How a hang-up code ends an attempt: 480 no answer, 486 busy, 0 after an answer without a key. */
export function hangupOutcome(code: string, answered: boolean): Outcome {
  if (code === '480' || code === '408') return 'noAnswer';
  if (code === '486' || code === '600') return 'busy';
  if (code === '0') return answered ? 'noInput' : 'noAnswer';
  return 'failed';
}

async function contextOf(deps: PhoneDeps, event: SmaEvent): Promise<CallContext | undefined> {
  const attrs = event.CallDetails.TransactionAttributes ?? event.ActionData?.Parameters?.Arguments;
  const n = Number(attrs?.n);
  if (
    (attrs?.purpose === 'checkIn' || attrs?.purpose === 'notify') &&
    /^[A-Za-z0-9-]{1,64}$/.test(attrs.ref ?? '') &&
    Number.isInteger(n) &&
    n >= 0 &&
    n <= 200
  ) {
    return { purpose: attrs.purpose, ref: attrs.ref as string, n };
  }
  return getCall(deps.db, event.CallDetails.TransactionId);
}

/** The check-in or case a call's context names exists. */
async function isOurs(deps: PhoneDeps, context: CallContext): Promise<boolean> {
  return context.purpose === 'checkIn'
    ? Boolean(await getCheckIn(deps.db, context.ref))
    : Boolean(await getCase(deps.db, context.ref));
}

/** Keeps every call event (type, sequence, SIP code, time) under the call, once per sequence number. */
async function recordEvent(
  deps: PhoneDeps,
  event: SmaEvent,
  context: CallContext | undefined,
): Promise<void> {
  const code = event.ActionData?.Parameters?.SipResponseCode;
  try {
    await deps.db.doc.send(
      new PutCommand({
        TableName: deps.db.tableName,
        Item: {
          pk: `CALL#${event.CallDetails.TransactionId}`,
          sk: `EVENT#${String(event.Sequence ?? 0).padStart(6, '0')}#${event.InvocationEventType}`,
          type: 'callEvent',
          event: event.InvocationEventType,
          ...(context ? { purpose: context.purpose, ref: context.ref, n: context.n } : {}),
          ...(code !== undefined ? { sipCode: String(code) } : {}),
          ...(event.ActionData?.Type ? { action: event.ActionData.Type } : {}),
          at: deps.now().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/**
 * Answers one SIP media application event with the next actions.
 * @example handleSmaEvent(deps, { InvocationEventType: 'CALL_ANSWERED', ... }) // SpeakAndGetDigits with the prompt
 */
export async function handleSmaEvent(deps: PhoneDeps, raw: unknown): Promise<SmaResponse> {
  const parsed = smaEventSchema.safeParse(raw);
  if (!parsed.success) {
    deps.log('invalid SIP media application event', { issues: parsed.error.issues.length });
    return { SchemaVersion: '1.0', Actions: [] };
  }
  const event = parsed.data;
  const type = event.InvocationEventType;
  if (type === 'NEW_INBOUND_CALL') {
    const callId = event.CallDetails.Participants[0]?.CallId ?? '';
    return {
      SchemaVersion: '1.0',
      Actions: [
        say(callId, '<speak>这里是安心平安回访。如有紧急情况，请拨打120或联系村委会。</speak>', 'cmn'),
        hangup(),
      ],
    };
  }
  const found = await contextOf(deps, event);
  // only events of calls we placed are kept: garbage and strangers' events leave nothing behind
  const context = found && (await isOurs(deps, found)) ? found : undefined;
  if (context) await recordEvent(deps, event, context);
  if (!context) {
    deps.log('SIP event for an unknown call', { type });
    return { SchemaVersion: '1.0', Actions: type === 'CALL_ANSWERED' ? [hangup()] : [] };
  }
  const attrs: Record<string, string> = {
    purpose: context.purpose,
    ref: context.ref,
    n: String(context.n),
    ...(event.CallDetails.TransactionAttributes ?? {}),
  };
  const respond = (actions: SmaAction[], extra: Record<string, string> = {}): SmaResponse => ({
    SchemaVersion: '1.0',
    Actions: actions,
    TransactionAttributes: { ...attrs, ...extra },
  });
  const callId =
    event.CallDetails.Participants.find((p) => p.ParticipantTag === 'LEG-A')?.CallId ??
    event.CallDetails.Participants[0]?.CallId ??
    '';

  if (type === 'HANGUP') {
    const code = String(event.ActionData?.Parameters?.SipResponseCode ?? '0');
    if (context.purpose === 'checkIn')
      await recordOutcome(deps, context.ref, context.n, hangupOutcome(code, attrs.answered === 'true'));
    // the call is over: its place among the calls in progress is free
    await callEnded(deps, context);
    return respond([]);
  }

  const prompt = await promptFor(deps, context);
  if (!prompt) return respond([hangup()]);

  // a campaign's script too long for one prompt is spoken first, then the keys are asked; the whole
  // is repeated (slowly, as always) on 0 or a wrong key
  const ask = () => [
    ...prompt.before.map((text) => say(callId, text, prompt.language)),
    askDigits(callId, prompt.text, prompt.language),
  ];
  if (type === 'CALL_ANSWERED')
    return respond(ask(), {
      answered: 'true',
      prompts: '1',
    });

  const isDigits = event.ActionData?.Type === 'SpeakAndGetDigits';
  if (isDigits && (type === 'ACTION_SUCCESSFUL' || type === 'ACTION_FAILED')) {
    const digits = type === 'ACTION_SUCCESSFUL' ? (event.ActionData?.ReceivedDigits ?? '') : '';
    const meaning = keypadMeaning(digits);
    const prompts = Number(attrs.prompts ?? '1');
    if (context.purpose === 'checkIn') {
      if (meaning === 'well') {
        await recordOutcome(deps, context.ref, context.n, 'well');
        return respond([say(callId, wellGoodbye(prompt.language), prompt.language), hangup()], {
          outcome: 'well',
        });
      }
      if (meaning === 'help') {
        await recordOutcome(deps, context.ref, context.n, 'help');
        return respond([say(callId, helpGoodbye(prompt.language), prompt.language), hangup()], {
          outcome: 'help',
        });
      }
    } else if (meaning === 'well') {
      // on an escalation call, 1 acknowledges
      const step = (await getCase(deps.db, context.ref))?.steps[context.n];
      if (step) await acknowledgeCase(deps, context.ref, step.to);
      return respond([say(callId, notifyThanks(), 'cmn'), hangup()], { outcome: 'acknowledged' });
    }
    if (prompts < MAX_PROMPTS) {
      return respond(ask(), {
        prompts: String(prompts + 1),
      });
    }
    if (context.purpose === 'checkIn') await recordOutcome(deps, context.ref, context.n, 'noInput');
    return respond([say(callId, noInputGoodbye(prompt.language), prompt.language), hangup()], {
      outcome: 'noInput',
    });
  }
  // NEW_OUTBOUND_CALL, RINGING, ACTION_SUCCESSFUL of Speak/Hangup, CALL_UPDATE_REQUESTED, …: nothing to do
  return respond([]);
}

async function promptFor(
  deps: PhoneDeps,
  context: CallContext,
): Promise<{ text: string; language: Language; before: string[] } | undefined> {
  if (context.purpose === 'checkIn') {
    const checkIn = await getCheckIn(deps.db, context.ref);
    const elder = checkIn ? await getElder(deps.db, checkIn.elderId) : undefined;
    if (!checkIn || !elder) return undefined;
    // a campaign's check-in plays the campaign's script in the elder's language
    const campaign = checkIn.campaignId ? await getCampaign(deps.db, checkIn.campaignId) : undefined;
    const language = spokenLanguage(elder.language);
    const parts = checkInPromptParts(
      language,
      elder.name,
      elder.region.village,
      campaign?.messages.call[language],
    );
    return { text: parts.ask, language, before: parts.before.slice(0, 8) };
  }
  const c = await getCase(deps.db, context.ref);
  const elder = c ? await getElder(deps.db, c.elderId) : undefined;
  if (!c || !elder) return undefined;
  return { text: notifyPrompt(elder.name, elder.region.village, c.reason), language: 'cmn', before: [] };
}
