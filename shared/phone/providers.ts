import type { Language } from './texts.js';

/**
 * The phone network as Anxin sees it: small interfaces, so the AWS adapters (Chime SDK PSTN Audio,
 * SNS), the local simulator and later a mainland carrier can stand in for each other.
 */

/** What a call is for; it travels with the call (Chime ArgumentsMap) and comes back in its events. */
export interface CallContext {
  /** 'checkIn': an elder's check-in call; 'notify': an escalation call a relative acknowledges with 1 */
  purpose: 'checkIn' | 'notify';
  /** the check-in or the case the call belongs to */
  ref: string;
  /** attempt number (check-in) or recipient index (case) */
  n: number;
  /** the elder's county: where the call's outcome counts for the carrier-fault share */
  county?: string;
  /** the pacer's place among the calls in progress the call holds (given back at its end) */
  place?: number;
}

/** What a key pressed on a call means to the engine. */
export type KeyMeaning = 'well' | 'help' | 'acknowledge';

/**
 * What is said on a call, carrier-neutral: the adapter turns it into its own actions (Chime's
 * SpeakAndGetDigits, a mainland carrier's IVR menu). Texts are SSML; `template` names the same prompt
 * for carriers that only play registered templates.
 */
export interface CallPrompt {
  language: Language;
  /** spoken once before the question (a campaign's script too long for one prompt) */
  before: string[];
  /** the question with the keys; asked again on a wrong key or none */
  ask: string;
  /** which keys mean what; any other key, or none, is "another key or none" */
  keys: Partial<Record<string, KeyMeaning>>;
  /** how many times the question is asked at most */
  repeats: number;
  /** what is said after an answer, then the call ends */
  goodbye: Partial<Record<KeyMeaning, string>> & { noInput: string };
  /** the prompt catalogue's key and parameters, for template-only carriers */
  template?: { key: string; params: Record<string, string> };
}

export interface PlaceCall {
  to: string;
  context: CallContext;
  prompt: CallPrompt;
}

/**
 * How one call attempt ended, normalised: every adapter reports exactly this, once per attempt (again
 * is harmless: the engine takes an outcome only when it ranks above what it knows).
 * - key1 / key2: answered and pressed 1 / 2 (the prompt's keys)
 * - otherKey: answered with another key or none
 * - spoken: answered by voice, from carriers with speech recognition (only a clear "well" counts)
 * - noAnswer, busy, refused (number invalid, declined, barred)
 * - providerFailure: the carrier failed (never the elder's silence); its own code is kept
 */
export type CallOutcome =
  | { kind: 'key1' | 'key2' }
  | { kind: 'otherKey'; digits?: string }
  | { kind: 'spoken'; phrase: string; confidence: number }
  | { kind: 'noAnswer' | 'busy' | 'refused'; code?: string }
  | { kind: 'providerFailure'; code: string; message?: string };

/** A spoken answer counts as "well" only at this confidence or above, and only when it says so. */
export const SPOKEN_WELL_CONFIDENCE = 0.8;

export interface VoiceProvider {
  /**
   * Places a call with its prompt; resolves with the provider's id once the provider has accepted it.
   * The dialogue runs inside the adapter, which reports one CallOutcome when the call ends.
   */
  placeCall(call: PlaceCall): Promise<{ providerId: string }>;
}

/** An inbound text, normalised from any carrier's shape. */
export interface InboundMessage {
  from: string;
  to?: string;
  body: string;
  carrierMessageId: string;
  receivedAt: string;
}

/** A carrier's delivery receipt for a text it was given. */
export interface DeliveryReceipt {
  carrierMessageId: string;
  status: 'delivered' | 'failed';
  /** the carrier's own code (for a failure, why) */
  code?: string;
  at: string;
}

/** Why a text is sent; travels with it for the records, never to the provider's message. */
export type TextPurpose =
  | 'checkIn'
  | 'escalation'
  | 'help'
  | 'optOutConfirm'
  | 'optOutNotice'
  | 'ackConfirm'
  | 'caseClosed'
  | 'digest'
  | 'visitConfirm'
  | 'visitRefused';

export interface SendText {
  to: string;
  text: string;
  purpose?: TextPurpose;
  elderId?: string;
}

export interface SmsProvider {
  /** Sends a text; resolves with the provider's message id. */
  sendText(text: SendText): Promise<{ providerId: string }>;
}

/** A provider refused for now (throttled, 5xx, timeout): the job is retried with backoff. */
export class ProviderUnavailable extends Error {
  override readonly name = 'ProviderUnavailable';
  constructor(
    readonly provider: 'voice' | 'sms',
    cause?: unknown,
  ) {
    super(`${provider} provider unavailable`, { cause });
  }
}

/** A provider refused for good (bad number): retrying would not help. */
export class ProviderRejected extends Error {
  override readonly name = 'ProviderRejected';
  constructor(
    readonly provider: 'voice' | 'sms',
    readonly reason: string,
  ) {
    super(`${provider} provider rejected: ${reason}`);
  }
}

/** SMS parts a text takes: 70 characters in one part when any is not GSM-7 (Chinese), 67 per part after. */
export function smsParts(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: GSM-7 is the printable ASCII range plus LF/CR
  const gsm = /^[\x0a\x0d\x20-\x7e]*$/.test(text);
  const length = [...text].length;
  if (gsm) return length <= 160 ? 1 : Math.ceil(length / 153);
  return length <= 70 ? 1 : Math.ceil(length / 67);
}
