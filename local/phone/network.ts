import type { SNSEvent } from 'aws-lambda';
import {
  type CallContext,
  type CallPrompt,
  type PlaceCall,
  ProviderUnavailable,
  type SendText,
  type SmsProvider,
  smsParts,
  type TextPurpose,
  type VoiceProvider,
} from '../../shared/phone/providers.js';
import type { SmaResponse } from '../../shared/phone/voice.js';
import type { Timeline } from './timeline.js';

export type VoiceBehaviour = 'press-1' | 'press-2' | 'no-answer' | 'busy' | 'answer-silent' | 'manual';
export type SmsBehaviour = 'reply-1' | 'reply-2' | 'reply-td' | 'no-reply' | 'manual';

/** A simulated phone: an elder's or a contact's, answering by its behaviour or by a person in /phone. */
export interface SimPhone {
  number: string;
  kind: 'elder' | 'contact';
  id: string;
  label: string;
  /** consumed one per call, the last repeating */
  voice: VoiceBehaviour[];
  sms: SmsBehaviour;
  /** contacts: acknowledge escalations, or ignore them */
  contact?: { behaviour: 'ack' | 'ignore'; delayMinutes: number };
  /** minutes before a simulated elder replies to a text */
  replyDelayMinutes?: number;
}

export interface CallRecord {
  providerId: string;
  to: string;
  context: CallContext;
  prompt: CallPrompt;
  at: string;
  answeredAt?: string;
  endedAt?: string;
  sipCode?: string;
  digits?: string;
  /** wall-clock ms (performance.now) when the key was pressed: for the latency bench */
  pressedWallMs?: number;
  prompts: string[];
}

export interface TextRecord {
  providerId: string;
  to: string;
  from: string;
  text: string;
  at: string;
  direction: 'out' | 'in';
  purpose?: TextPurpose;
  elderId?: string;
  /** wall-clock ms (performance.now) when handed to the provider: for the latency bench */
  wallMs?: number;
}

type SmaHandler = (event: unknown) => Promise<SmaResponse>;
type InboundHandler = (event: SNSEvent) => Promise<unknown>;

const SECOND = 1000;

/**
 * The simulated phone network: the providers' side of Chime PSTN Audio and SMS. It calls the real
 * SIP media application handler with the events Chime would send and delivers replies to the real
 * inbound-text handler as End User Messaging would, through SNS-shaped events.
 */
export class SimulatedNetwork implements VoiceProvider, SmsProvider {
  readonly phones = new Map<string, SimPhone>();
  readonly calls: CallRecord[] = [];
  readonly texts: TextRecord[] = [];
  /** limits the network saw: the most calls at once, and the most new calls / SMS parts in one second */
  readonly peaks = { inProgress: 0, callsInOneSecond: 0, smsPartsInOneSecond: 0 };
  private inProgress = 0;
  private readonly callsPerSecond = new Map<number, number>();
  private readonly partsPerSecond = new Map<number, number>();
  private voiceCount = new Map<string, number>();
  private seq = 0;
  private sma: SmaHandler | undefined;
  private inbound: InboundHandler | undefined;
  /** calls waiting for a person at /phone: providerId → what to do on answer / key */
  private readonly manual = new Map<
    string,
    { answer: () => Promise<void>; key: (d: string) => Promise<void>; hangUp: () => Promise<void> }
  >();
  /**
   * provider faults to inject: the next n calls (or texts) refused as throttled; the next n answered
   * calls failing inside (ACTION_FAILED SystemException, as Chime reports its own fault); or an outage
   * (every answered call fails so) until it is set back to false
   */
  faults = { voice: 0, sms: 0, inCall: 0, outage: false };

  constructor(
    private readonly timeline: Timeline,
    readonly serviceNumber = '+8675000000000',
  ) {}

  attach(handlers: { sma: SmaHandler; inbound: InboundHandler }): void {
    this.sma = handlers.sma;
    this.inbound = handlers.inbound;
  }

  addPhone(phone: SimPhone): void {
    this.phones.set(phone.number, phone);
  }

  private later(seconds: number, work: () => Promise<void> | void): void {
    this.timeline.at(new Date(this.timeline.now().getTime() + seconds * SECOND), work);
  }

  async placeCall({ to, context, prompt }: PlaceCall): Promise<{ providerId: string }> {
    if (this.faults.voice > 0) {
      this.faults.voice--;
      const error = new Error('Rate exceeded') as Error & { $metadata: { httpStatusCode: number } };
      error.name = 'ThrottledClientException';
      error.$metadata = { httpStatusCode: 429 };
      throw new ProviderUnavailable('voice', error);
    }
    const providerId = `sim-call-${++this.seq}`;
    const now = this.timeline.now();
    const second = Math.floor(now.getTime() / 1000);
    this.callsPerSecond.set(second, (this.callsPerSecond.get(second) ?? 0) + 1);
    this.peaks.callsInOneSecond = Math.max(this.peaks.callsInOneSecond, this.callsPerSecond.get(second) ?? 0);
    this.inProgress++;
    this.peaks.inProgress = Math.max(this.peaks.inProgress, this.inProgress);
    const call: CallRecord = { providerId, to, context, prompt, at: now.toISOString(), prompts: [] };
    this.calls.push(call);
    this.later(0, () => this.runCall(call));
    return { providerId };
  }

  private behaviourFor(call: CallRecord): VoiceBehaviour {
    const phone = this.phones.get(call.to);
    if (!phone) return 'no-answer';
    if (phone.kind === 'contact' && call.context.purpose === 'notify') {
      if (phone.voice[0] === 'manual') return 'manual';
      return phone.contact?.behaviour === 'ack' ? 'press-1' : 'no-answer';
    }
    const count = this.voiceCount.get(call.to) ?? 0;
    this.voiceCount.set(call.to, count + 1);
    return phone.voice[Math.min(count, phone.voice.length - 1)] ?? 'no-answer';
  }

  /**
   * Drives one call through the SIP media application handler, event by event, as Chime would: the
   * responses to NEW_OUTBOUND_CALL and RINGING are ignored; SpeakAndGetDigits repeats its question
   * itself on a wrong key or none (Repeat times in all), then fails with InvalidDigitsReceived.
   */
  private async runCall(call: CallRecord): Promise<void> {
    let sequence = 0;
    let attributes: Record<string, string> | undefined;
    const send = async (
      type: string,
      actionData?: Record<string, unknown>,
    ): Promise<SmaResponse | undefined> => {
      if (!this.sma) return undefined;
      const response = await this.sma({
        SchemaVersion: '1.0',
        Sequence: ++sequence,
        InvocationEventType: type,
        CallDetails: {
          TransactionId: call.providerId,
          AwsAccountId: '000000000000',
          AwsRegion: 'local',
          SipMediaApplicationId: 'local-sma',
          Participants: [
            {
              CallId: `${call.providerId}-a`,
              ParticipantTag: 'LEG-A',
              To: call.to,
              From: this.serviceNumber,
              Direction: 'Outbound',
              StartTimeInMilliseconds: String(Date.parse(call.at)),
              Status: 'Connected',
            },
          ],
          ...(attributes ? { TransactionAttributes: attributes } : {}),
        },
        ...(actionData ? { ActionData: actionData } : {}),
      });
      if (response?.TransactionAttributes && type !== 'NEW_OUTBOUND_CALL' && type !== 'RINGING')
        attributes = response.TransactionAttributes;
      return response;
    };
    const end = async (code: string) => {
      if (call.endedAt) return;
      call.endedAt = this.timeline.now().toISOString();
      call.sipCode = code;
      this.inProgress--;
      this.manual.delete(call.providerId);
      await send('HANGUP', {
        Type: 'Hangup',
        Parameters: { SipResponseCode: code, ParticipantTag: 'LEG-A' },
      });
    };
    /** the question being asked: its parameters and how many times it was asked */
    let asking: { parameters: Record<string, unknown>; asked: number } | undefined;
    const spoken = (parameters: Record<string, unknown>) =>
      String((parameters.SpeechParameters as { Text?: string } | undefined)?.Text ?? parameters.Text ?? '');
    /** plays the actions until one waits for a key or hangs up */
    const play = async (response: SmaResponse | undefined): Promise<void> => {
      for (const action of response?.Actions ?? []) {
        if (action.Type === 'SpeakAndGetDigits' || action.Type === 'Speak')
          call.prompts.push(spoken(action.Parameters).replace(/<[^>]+>/g, ''));
        if (action.Type === 'SpeakAndGetDigits') {
          if (this.faults.outage || this.faults.inCall > 0) {
            if (!this.faults.outage) this.faults.inCall--;
            const failed = await send('ACTION_FAILED', {
              Type: 'SpeakAndGetDigits',
              Parameters: action.Parameters,
              ErrorType: 'SystemException',
              ErrorMessage: 'System error while running action',
            });
            return play(failed);
          }
          asking = { parameters: action.Parameters, asked: 1 };
          return waitForKey();
        }
        if (action.Type === 'Hangup') {
          this.later(4, () => end('0'));
          return;
        }
      }
    };
    await send('NEW_OUTBOUND_CALL', {
      Type: 'CallCreateRequest',
      Parameters: {
        Arguments: Object.fromEntries(Object.entries(call.context).map(([k, v]) => [k, String(v)])) as Record<
          string,
          string
        >,
      },
    });
    await send('RINGING');
    const behaviour = this.behaviourFor(call);
    if (behaviour === 'no-answer') return this.later(30, () => end('480'));
    if (behaviour === 'busy') return this.later(3, () => end('486'));
    const pressKey = async (digits: string | undefined) => {
      if (call.endedAt || !asking) return;
      if (digits) {
        call.digits = digits;
        call.pressedWallMs = performance.now();
      }
      const question = asking;
      const regex = new RegExp(String(question.parameters.InputDigitsRegex ?? '^[0-9]$'));
      if (digits && regex.test(digits)) {
        asking = undefined;
        return play(
          await send('ACTION_SUCCESSFUL', {
            Type: 'SpeakAndGetDigits',
            Parameters: question.parameters,
            ReceivedDigits: digits,
          }),
        );
      }
      if (question.asked < Number(question.parameters.Repeat ?? 1)) {
        // Chime's own repeat: the failure speech (here the question again), then the question
        question.asked++;
        call.prompts.push(spoken(question.parameters).replace(/<[^>]+>/g, ''));
        return waitForKey();
      }
      asking = undefined;
      return play(
        await send('ACTION_FAILED', {
          Type: 'SpeakAndGetDigits',
          Parameters: question.parameters,
          ErrorType: 'InvalidDigitsReceived',
          ErrorMessage: 'Invalid digits received',
        }),
      );
    };
    let prompts = 0;
    const waitForKey = () => {
      if (behaviour === 'manual') {
        // a person presses the key in /phone; nothing pressed in 60 s is no input, as on a real call
        const prompt = ++prompts;
        this.later(60, async () => {
          if (prompts === prompt && !call.endedAt) await pressKey(undefined);
        });
        return;
      }
      const digits = behaviour === 'press-1' ? '1' : behaviour === 'press-2' ? '2' : undefined;
      this.later(digits ? 8 : 20, () => pressKey(digits));
    };
    const answer = async () => {
      if (call.answeredAt || call.endedAt) return;
      call.answeredAt = this.timeline.now().toISOString();
      await play(await send('CALL_ANSWERED'));
    };
    if (behaviour === 'manual') {
      this.manual.set(call.providerId, { answer, key: (d) => pressKey(d), hangUp: () => end('0') });
      this.later(60, async () => {
        if (!call.answeredAt) await end('480');
      });
      return;
    }
    this.later(6, answer);
  }

  /**
   * A ring from a phone to the service number, hung up before any answer (a missed-call check-in):
   * delivered to the SIP media application as Chime's NEW_INBOUND_CALL.
   */
  async ringIn(from: string, callId = `sim-in-call-${++this.seq}`): Promise<SmaResponse | undefined> {
    return this.sma?.({
      SchemaVersion: '1.0',
      Sequence: 1,
      InvocationEventType: 'NEW_INBOUND_CALL',
      CallDetails: {
        TransactionId: callId,
        AwsAccountId: '000000000000',
        AwsRegion: 'local',
        SipMediaApplicationId: 'local-sma',
        Participants: [
          {
            CallId: `${callId}-a`,
            ParticipantTag: 'LEG-A',
            To: this.serviceNumber,
            From: from,
            Direction: 'Inbound',
            StartTimeInMilliseconds: String(this.timeline.now().getTime()),
            Status: 'Connected',
          },
        ],
      },
    });
  }

  /** /phone: a person answers a ringing call. */
  async answer(providerId: string): Promise<boolean> {
    const m = this.manual.get(providerId);
    if (!m) return false;
    await m.answer();
    return true;
  }

  /** /phone: a person presses a key during a call. */
  async press(providerId: string, digit: string): Promise<boolean> {
    const m = this.manual.get(providerId);
    if (!m) return false;
    await m.key(digit);
    return true;
  }

  async hangUp(providerId: string): Promise<boolean> {
    const m = this.manual.get(providerId);
    if (!m) return false;
    await m.hangUp();
    return true;
  }

  async sendText({ to, text, purpose, elderId }: SendText): Promise<{ providerId: string }> {
    if (this.faults.sms > 0) {
      this.faults.sms--;
      throw new ProviderUnavailable('sms', new Error('throttled'));
    }
    const providerId = `sim-sms-${++this.seq}`;
    const now = this.timeline.now();
    const second = Math.floor(now.getTime() / 1000);
    this.partsPerSecond.set(second, (this.partsPerSecond.get(second) ?? 0) + smsParts(text));
    this.peaks.smsPartsInOneSecond = Math.max(
      this.peaks.smsPartsInOneSecond,
      this.partsPerSecond.get(second) ?? 0,
    );
    this.texts.push({
      providerId,
      to,
      from: this.serviceNumber,
      text,
      at: now.toISOString(),
      direction: 'out',
      wallMs: performance.now(),
      ...(purpose ? { purpose } : {}),
      ...(elderId ? { elderId } : {}),
    });
    const phone = this.phones.get(to);
    if (phone?.kind === 'elder' && purpose === 'checkIn') {
      const reply =
        phone.sms === 'reply-1'
          ? '1'
          : phone.sms === 'reply-2'
            ? '2'
            : phone.sms === 'reply-td'
              ? '退订'
              : undefined;
      if (reply) this.later((phone.replyDelayMinutes ?? 2) * 60, () => this.textIn(to, reply));
    }
    if (phone?.kind === 'contact' && phone.contact?.behaviour === 'ack' && purpose === 'escalation') {
      const code = /回复(\d{4})/.exec(text)?.[1];
      if (code) this.later(phone.contact.delayMinutes * 60, () => this.textIn(to, code));
    }
    return { providerId };
  }

  /** A text from a phone to the service (a reply), delivered as End User Messaging would. */
  async textIn(from: string, body: string, messageId = `sim-in-${++this.seq}`): Promise<void> {
    this.texts.push({
      providerId: messageId,
      to: this.serviceNumber,
      from,
      text: body,
      at: this.timeline.now().toISOString(),
      direction: 'in',
    });
    if (!this.inbound) return;
    const message = {
      originationNumber: from,
      destinationNumber: this.serviceNumber,
      messageKeyword: 'KEYWORD_LOCAL',
      messageBody: body,
      inboundMessageId: messageId,
    };
    await this.inbound({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:local:000000000000:anxin-inbound:local',
          Sns: {
            Type: 'Notification',
            MessageId: messageId,
            TopicArn: 'arn:aws:sns:local:000000000000:anxin-inbound',
            Subject: '',
            Message: JSON.stringify(message),
            Timestamp: this.timeline.now().toISOString(),
            SignatureVersion: '1',
            Signature: '',
            SigningCertUrl: '',
            UnsubscribeUrl: '',
            MessageAttributes: {},
          },
        },
      ],
    });
  }

  /** Calls ringing or in progress for /phone. */
  openCalls(): CallRecord[] {
    return this.calls.filter((c) => !c.endedAt);
  }

  isManual(providerId: string): boolean {
    return this.manual.has(providerId);
  }
}
