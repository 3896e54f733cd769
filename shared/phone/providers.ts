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
}

export interface PlaceCall {
  to: string;
  context: CallContext;
}

export interface VoiceProvider {
  /** Places a call; resolves with the provider's id once the provider has accepted it. */
  placeCall(call: PlaceCall): Promise<{ providerId: string }>;
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
