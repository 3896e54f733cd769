import * as z from 'zod';
import { getCall } from '../store/phone.js';
import { callEnded, type PhoneDeps, reportCallOutcome } from './engine.js';
import { missedCall } from './missed-call.js';
import type { CallContext, CallOutcome, CallPrompt } from './providers.js';
import { type Language, VOICES } from './texts.js';

/**
 * The Chime adapter's side of a call (Amazon Chime SDK PSTN Audio SIP media application). Chime
 * invokes the Lambda for each event and waits up to 5 s for the actions. The whole dialogue lives
 * here, its state in the call's transaction attributes (the prompt, whether it was answered, the
 * outcome so far); the table is read at most once per call (the call record, when the attributes do
 * not carry it yet). One normalised CallOutcome is reported at hang-up; a decisive key (1 or 2) is
 * reported at once as well, so a call for help never waits for the hang-up.
 */
const participant = z.looseObject({
  CallId: z.string().max(200).optional(),
  ParticipantTag: z.string().max(20).optional(),
  To: z.string().max(40).optional(),
  From: z.string().max(40).optional(),
  Direction: z.string().max(20).optional(),
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
    TransactionAttributes: z.record(z.string().max(100), z.string().max(20_000)).optional(),
  }),
  ActionData: z
    .looseObject({
      Type: z.string().max(60).optional(),
      ReceivedDigits: z.string().max(40).optional(),
      ErrorType: z.string().max(200).optional(),
      ErrorMessage: z.string().max(2000).optional(),
      Parameters: z
        .looseObject({
          SipResponseCode: z.union([z.string(), z.number()]).optional(),
          Arguments: z.record(z.string(), z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
  // INVALID_LAMBDA_RESPONSE carries its error at the top level
  ErrorType: z.string().max(200).optional(),
  ErrorMessage: z.string().max(2000).optional(),
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

const speech = (text: string, language: Language) => ({
  Text: text,
  Engine: VOICES[language].engine,
  LanguageCode: VOICES[language].languageCode,
  TextType: 'ssml',
  VoiceId: VOICES[language].voiceId,
});

/**
 * The question with its keys. Chime itself repeats it on a wrong key or none (the failure speech,
 * then the question, `repeats` times in all); after the last it sends ACTION_FAILED
 * (InvalidDigitsReceived).
 */
function askDigits(callId: string, prompt: CallPrompt): SmaAction {
  const keys = Object.keys(prompt.keys).join('');
  return {
    Type: 'SpeakAndGetDigits',
    Parameters: {
      CallId: callId,
      InputDigitsRegex: `^[${keys}]$`,
      SpeechParameters: speech(prompt.ask, prompt.language),
      FailureSpeechParameters: speech(prompt.ask, prompt.language),
      MinNumberOfDigits: 1,
      MaxNumberOfDigits: 1,
      TerminatorDigits: ['#'],
      InBetweenDigitsDurationInMilliseconds: 5000,
      Repeat: prompt.repeats,
      RepeatDurationInMilliseconds: 10000,
    },
  };
}

const say = (callId: string, text: string, language: Language): SmaAction => ({
  Type: 'Speak',
  Parameters: { CallId: callId, ...speech(text, language) },
});
/** An inbound call turned away unanswered (no charge to the caller). */
const reject = (): SmaAction => ({
  Type: 'Hangup',
  Parameters: { SipResponseCode: '480', ParticipantTag: 'LEG-A' },
});
const hangup = (): SmaAction => ({
  Type: 'Hangup',
  Parameters: { SipResponseCode: '0', ParticipantTag: 'LEG-A' },
});

/**
 * How a call that ended without an answer ended, by its SIP code: 480/408/487 no answer, 486/600
 * busy, 404/410/484/604/603 number invalid or refused, 0 a normal end (after an answer without a
 * key: another key or none); anything else the carrier's failure, its code kept.
 */
export function hangupOutcome(code: string, answered: boolean): CallOutcome {
  if (code === '0') return answered ? { kind: 'otherKey' } : { kind: 'noAnswer', code };
  if (['480', '408', '487'].includes(code)) return { kind: 'noAnswer', code };
  if (['486', '600'].includes(code)) return { kind: 'busy', code };
  if (['404', '410', '484', '603', '604', '403'].includes(code)) return { kind: 'refused', code };
  return { kind: 'providerFailure', code: `SIP ${code}` };
}

const ID = /^[A-Za-z0-9-]{1,64}$/;

/** A call's context from attributes or arguments (strings), when well formed. */
function parseContext(attrs: Record<string, string> | undefined): CallContext | undefined {
  const n = Number(attrs?.n);
  if (
    !(attrs?.purpose === 'checkIn' || attrs?.purpose === 'notify') ||
    !ID.test(attrs.ref ?? '') ||
    !Number.isInteger(n) ||
    n < 0 ||
    n > 200
  )
    return undefined;
  const place = Number(attrs.place);
  return {
    purpose: attrs.purpose,
    ref: attrs.ref as string,
    n,
    ...(attrs.county && /^\d{6}$/.test(attrs.county) ? { county: attrs.county } : {}),
    ...(attrs.place !== undefined && Number.isInteger(place) && place >= 0 ? { place } : {}),
  };
}

const promptSchema = z.object({
  language: z.enum(['yue', 'cmn']),
  before: z.array(z.string().max(1000)).max(8),
  ask: z.string().min(1).max(1000),
  keys: z.record(z.string().regex(/^[0-9]$/), z.enum(['well', 'help', 'acknowledge'])),
  repeats: z.number().int().min(1).max(5),
  goodbye: z.object({
    well: z.string().max(1000).optional(),
    help: z.string().max(1000).optional(),
    acknowledge: z.string().max(1000).optional(),
    noInput: z.string().max(1000),
  }),
});

function parsePrompt(json: string | undefined): CallPrompt | undefined {
  if (!json) return undefined;
  try {
    const parsed = promptSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as CallPrompt) : undefined;
  } catch {
    return undefined;
  }
}

/** The call's state as its attributes carry it. */
interface CallState {
  context: CallContext;
  prompt?: CallPrompt;
  answered: boolean;
  /** the outcome so far (a key, or the carrier's failure): reported at hang-up */
  outcome?: CallOutcome;
}

const attributesOf = (state: CallState): Record<string, string> => ({
  purpose: state.context.purpose,
  ref: state.context.ref,
  n: String(state.context.n),
  ...(state.context.county ? { county: state.context.county } : {}),
  ...(state.context.place !== undefined ? { place: String(state.context.place) } : {}),
  ...(state.prompt ? { prompt: JSON.stringify(state.prompt) } : {}),
  ...(state.answered ? { answered: 'true' } : {}),
  ...(state.outcome ? { outcome: JSON.stringify(state.outcome) } : {}),
});

function parseOutcome(json: string | undefined): CallOutcome | undefined {
  if (!json) return undefined;
  try {
    const o = JSON.parse(json) as CallOutcome;
    return typeof o?.kind === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The call's state: from the transaction attributes, else the arguments it was placed with, else
 * (once per call) the call record the dispatcher saved. Undefined for a call that is not ours.
 */
async function stateOf(deps: PhoneDeps, event: SmaEvent): Promise<CallState | undefined> {
  const attrs = event.CallDetails.TransactionAttributes;
  const context = parseContext(attrs) ?? parseContext(event.ActionData?.Parameters?.Arguments);
  let prompt = parsePrompt(attrs?.prompt);
  let found = context;
  if (!found || !prompt) {
    const saved = await getCall(deps.db, event.CallDetails.TransactionId);
    if (saved) {
      found ??= saved.context;
      prompt ??= saved.prompt;
    }
  }
  if (!found) return undefined;
  const outcome = parseOutcome(attrs?.outcome);
  return {
    context: found,
    ...(prompt ? { prompt } : {}),
    answered: attrs?.answered === 'true',
    ...(outcome ? { outcome } : {}),
  };
}

/** Keys that end the dialogue with an outcome, and how each is reported. */
const KEY_OUTCOME: Record<'well' | 'help' | 'acknowledge', CallOutcome> = {
  well: { kind: 'key1' },
  acknowledge: { kind: 'key1' },
  help: { kind: 'key2' },
};

/**
 * Answers one SIP media application event with the next actions. Every documented event type, in any
 * order and repeated: NEW_OUTBOUND_CALL, RINGING (nothing), CALL_ANSWERED (the question),
 * ACTION_SUCCESSFUL (a key: goodbye, hang up), ACTION_FAILED (no valid key after the repeats, or the
 * carrier failed: hang up), INVALID_LAMBDA_RESPONSE (the carrier refused our answer: a provider
 * failure, hang up), HANGUP (the one outcome), CALL_UPDATE_REQUESTED (nothing to change), and
 * NEW_INBOUND_CALL (a missed call from an elder is a check-in: never answered).
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
    const from = event.CallDetails.Participants.find((p) => p.ParticipantTag === 'LEG-A')?.From;
    await missedCall(deps, { from: from ?? '', callId: event.CallDetails.TransactionId });
    // never answered: the caller pays nothing
    return { SchemaVersion: '1.0', Actions: [reject()] };
  }
  const state = await stateOf(deps, event);
  const endsCall = type === 'CALL_ANSWERED' || type === 'ACTION_FAILED' || type === 'INVALID_LAMBDA_RESPONSE';
  if (!state) {
    deps.log('SIP event for an unknown call', { type });
    return { SchemaVersion: '1.0', Actions: endsCall ? [hangup()] : [] };
  }
  const { context } = state;
  deps.log('SIP event', {
    type,
    purpose: context.purpose,
    ref: context.ref,
    n: context.n,
    ...(event.Sequence !== undefined ? { sequence: event.Sequence } : {}),
    ...(event.ActionData?.Type ? { action: event.ActionData.Type } : {}),
    ...(event.ActionData?.Parameters?.SipResponseCode !== undefined
      ? { sipCode: String(event.ActionData.Parameters.SipResponseCode) }
      : {}),
    ...((event.ActionData?.ErrorType ?? event.ErrorType)
      ? { errorType: event.ActionData?.ErrorType ?? event.ErrorType }
      : {}),
  });
  const respond = (actions: SmaAction[], change: Partial<CallState> = {}): SmaResponse => ({
    SchemaVersion: '1.0',
    Actions: actions,
    TransactionAttributes: attributesOf({ ...state, ...change }),
  });
  const callId =
    event.CallDetails.Participants.find((p) => p.ParticipantTag === 'LEG-A')?.CallId ??
    event.CallDetails.Participants[0]?.CallId ??
    '';
  const prompt = state.prompt;

  if (type === 'HANGUP') {
    const code = String(event.ActionData?.Parameters?.SipResponseCode ?? '0');
    await reportCallOutcome(deps, context, state.outcome ?? hangupOutcome(code, state.answered));
    // the call is over: its place among the calls in progress is free
    await callEnded(deps, context);
    return respond([]);
  }
  if (type === 'INVALID_LAMBDA_RESPONSE' || (type === 'ACTION_FAILED' && !isNoValidKey(event))) {
    // the carrier (or our answer to it) failed, not the elder: recorded as such, the call ends
    const outcome: CallOutcome = state.outcome ?? {
      kind: 'providerFailure',
      code: event.ErrorType ?? event.ActionData?.ErrorType ?? type,
      ...((event.ErrorMessage ?? event.ActionData?.ErrorMessage)
        ? { message: event.ErrorMessage ?? event.ActionData?.ErrorMessage }
        : {}),
    };
    return respond([hangup()], { outcome });
  }
  if (!prompt) return respond(type === 'CALL_ANSWERED' || type === 'ACTION_FAILED' ? [hangup()] : []);

  if (type === 'CALL_ANSWERED') {
    // a campaign's script too long for one prompt is spoken first, then the question
    return respond(
      [...prompt.before.map((text) => say(callId, text, prompt.language)), askDigits(callId, prompt)],
      { answered: true },
    );
  }
  if (type === 'ACTION_FAILED') {
    // no valid key after every repeat: another key or none, goodbye
    const outcome = state.outcome ?? { kind: 'otherKey' };
    return respond([say(callId, prompt.goodbye.noInput, prompt.language), hangup()], {
      answered: true,
      outcome,
    });
  }
  if (type === 'ACTION_SUCCESSFUL' && event.ActionData?.Type === 'SpeakAndGetDigits') {
    const digits = (event.ActionData.ReceivedDigits ?? '').trim();
    const meaning = prompt.keys[digits];
    if (!meaning) {
      const outcome: CallOutcome = state.outcome ?? { kind: 'otherKey', digits: digits.slice(0, 4) };
      return respond([say(callId, prompt.goodbye.noInput, prompt.language), hangup()], {
        answered: true,
        outcome,
      });
    }
    const outcome = KEY_OUTCOME[meaning];
    // reported now too: help must not wait for the hang-up (the same report again changes nothing)
    await reportCallOutcome(deps, context, outcome, false);
    return respond(
      [say(callId, prompt.goodbye[meaning] ?? prompt.goodbye.noInput, prompt.language), hangup()],
      { answered: true, outcome },
    );
  }
  // NEW_OUTBOUND_CALL, RINGING, ACTION_SUCCESSFUL of Speak/Hangup, CALL_UPDATE_REQUESTED: nothing to do
  return respond([]);
}

/**
 * ACTION_FAILED of the question because no valid key came in time after every repeat (the elder's
 * doing, not the carrier's): InvalidDigitsReceived or InputTimeLimitExceeded, as AWS's own samples
 * read them. Every other ErrorType (SystemException, AccessDenied, InvalidActionParameter, …) is the
 * carrier's failure.
 */
const NO_VALID_KEY = new Set(['InvalidDigitsReceived', 'InputTimeLimitExceeded']);
const isNoValidKey = (event: SmaEvent) =>
  event.ActionData?.Type === 'SpeakAndGetDigits' && NO_VALID_KEY.has(event.ActionData.ErrorType ?? '');
