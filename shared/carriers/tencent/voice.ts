import * as z from 'zod';
import { carrierText, optionalCarrierText } from '../fields.js';
import {
  type CallOutcome,
  type CallOutcomeKind,
  CarrierRefused,
  carrierCodeOf,
  fromUnixSeconds,
  outcomeOfKeys,
  toE164,
} from '../outcome.js';

/**
 * Tencent Cloud voice messages (VMS, API 2020-09-02): SendTtsVoice (a reviewed template, played up to 3
 * times) and the three event callbacks it pushes, each a JSON object: the call's status
 * (`voiceprompt_callback`), each key pressed (`voicekey_callback`) and why a call failed
 * (`voice_failure_callback`). They arrive separately and in any order: each becomes a CallOutcome and
 * settleCalls ranks them (a key beats an answer, an answer beats a failure).
 *
 * There is no VMS-only SDK package in the registry; `tencentcloud-sdk-nodejs-common`'s CommonClient (the
 * official generic client, TC3 signing) calls `vms.tencentcloudapi.com` with version 2020-09-02.
 *
 * Sources: SendTtsVoice https://cloud.tencent.com/document/api/1128/51558; callbacks
 * https://cloud.tencent.com/document/product/1128/51535 (keys), https://cloud.tencent.com/document/api/382/5816
 * (status), https://cloud.tencent.com/document/product/1128/51536 (failure); failure codes
 * https://cloud.tencent.com/document/api/1128/37531.
 */

export const VMS_ENDPOINT = 'vms.tencentcloudapi.com';
export const VMS_API_VERSION = '2020-09-02';

/** What every Tencent callback (voice and SMS) must be answered with. */
export const TENCENT_CALLBACK_ACK = { result: 0, errmsg: 'OK' } as const;

export interface TtsVoiceInput {
  to: string;
  /** the VMS application (VoiceSdkAppid) */
  sdkAppId: string;
  /** the reviewed voice template (its prompt asks for 1, 2 or 0) */
  templateId: string;
  params?: string[];
  playTimes: number;
  /** echoed back in the send's answer; our out id */
  sessionContext: string;
}

export interface SendTtsVoiceParams {
  TemplateId: string;
  CalledNumber: string;
  VoiceSdkAppid: string;
  TemplateParamSet: string[];
  PlayTimes: number;
  SessionContext: string;
}

export function buildSendTtsVoice(input: TtsVoiceInput): SendTtsVoiceParams {
  const called = toE164(input.to);
  if (!/^\+861\d{10}$/.test(called))
    throw new CarrierRefused('tencent', 'CalledNumber', false, 'not a mainland mobile');
  if (!Number.isInteger(input.playTimes) || input.playTimes < 1 || input.playTimes > 3) {
    throw new CarrierRefused('tencent', 'PlayTimes', false, 'PlayTimes must be 1 to 3');
  }
  return {
    TemplateId: input.templateId,
    CalledNumber: called,
    VoiceSdkAppid: input.sdkAppId,
    TemplateParamSet: input.params ?? [],
    PlayTimes: input.playTimes,
    SessionContext: input.sessionContext,
  };
}

/** The slice of CommonClient Anxin uses (`new CommonClient(VMS_ENDPOINT, VMS_API_VERSION, { credential, region })`). */
export interface TencentRequestClient {
  request(action: string, req: object): Promise<unknown>;
}

const RETRYABLE =
  /^(RequestLimitExceeded|InternalError|FailedOperation\.AccessUpstreamTimeout|LimitExceeded|FailedOperation\.FrequencyLimit)/;

/** A Tencent SDK error as a CarrierRefused: its `code` says whether a later try can succeed. */
export function tencentRefusal(error: unknown): CarrierRefused {
  const text = carrierCodeOf(error);
  return new CarrierRefused('tencent', text, text === 'Transport' || RETRYABLE.test(text));
}

export function vmsVoiceClient(client: TencentRequestClient) {
  return {
    async sendTtsVoice(params: SendTtsVoiceParams): Promise<{ callId: string }> {
      let answer: unknown;
      try {
        answer = await client.request('SendTtsVoice', params);
      } catch (error) {
        throw tencentRefusal(error);
      }
      const callId = z.object({ SendStatus: z.object({ CallId: z.string() }) }).safeParse(answer);
      if (!callId.success) throw new CarrierRefused('tencent', 'BadResponse', true);
      return { callId: callId.data.SendStatus.CallId };
    },
  };
}

/** Every documented failure code of voice_failure_callback and what it means for a check-in. */
export const TENCENT_FAILURE_CODES: Record<string, { outcome: CallOutcomeKind; meaning: string }> = {
  '1': { outcome: 'noAnswer', meaning: '关机' },
  '2': { outcome: 'busy', meaning: '通话中' },
  '3': { outcome: 'noAnswer', meaning: '不在服务区' },
  '4': { outcome: 'rejected', meaning: '您拨打的号码已欠费' },
  '5': { outcome: 'noAnswer', meaning: '无人接听' },
  '6': { outcome: 'noAnswer', meaning: '暂时无法接通' },
  '7': { outcome: 'rejected', meaning: '停机' },
  '8': { outcome: 'rejected', meaning: '空号' },
  '9': { outcome: 'providerFailure', meaning: '电路正忙' },
  '10': { outcome: 'busy', meaning: '用户正忙' },
  '11': { outcome: 'providerFailure', meaning: '其他原因' },
  '12': { outcome: 'providerFailure', meaning: '呼叫受限，请勿越权使用' },
  '13': { outcome: 'rejected', meaning: '您拨打的号码已暂停服务' },
  '15': { outcome: 'rejected', meaning: '号码不存在' },
  '16': { outcome: 'noAnswer', meaning: '来电提醒' },
  '17': { outcome: 'rejected', meaning: '您拨打的号码已过期' },
  '18': { outcome: 'providerFailure', meaning: '网络忙' },
  '19': { outcome: 'rejected', meaning: '未开通语音通话功能' },
  '20': { outcome: 'noAnswer', meaning: '无应答' },
};

/** voiceprompt_callback `result`: 0 answered, 1 not answered, 2 call failed (a failure callback says why). */
export const TENCENT_PROMPT_RESULTS: Record<string, { outcome: CallOutcomeKind; meaning: string }> = {
  '0': { outcome: 'answeredNoKey', meaning: '用户正常接听' },
  '1': { outcome: 'noAnswer', meaning: '用户未接听' },
  '2': { outcome: 'providerFailure', meaning: '呼叫异常' },
};

const PromptCallback = z.looseObject({
  voiceprompt_callback: z.looseObject({
    result: carrierText,
    callid: carrierText,
    accept_time: optionalCarrierText,
    start_calltime: optionalCarrierText,
    end_calltime: optionalCarrierText,
    fee: optionalCarrierText,
    mobile: optionalCarrierText,
  }),
});
const KeyCallback = z.looseObject({
  voicekey_callback: z.looseObject({
    callid: carrierText,
    keypress: z.string(),
    mobile: optionalCarrierText,
  }),
});
const FailureCallback = z.looseObject({
  voice_failure_callback: z.looseObject({
    callid: carrierText,
    failure_code: carrierText,
    failure_reason: optionalCarrierText,
    mobile: optionalCarrierText,
  }),
});

const unix = (value: string | undefined) =>
  value !== undefined && /^\d+$/.test(value) && value !== '0' ? fromUnixSeconds(Number(value)) : undefined;

/**
 * The outcome one VMS callback body says. Takes the body as pushed (one object) or an array of them.
 * Unknown failure codes and prompt results are provider failures with the code kept.
 */
export function parseVmsCallback(body: unknown): CallOutcome[] {
  const items = Array.isArray(body) ? body : [body];
  return items.map((item): CallOutcome => {
    const key = KeyCallback.safeParse(item);
    if (key.success) {
      const k = key.data.voicekey_callback;
      return {
        carrier: 'tencent',
        callId: k.callid,
        outcome: outcomeOfKeys(k.keypress) ?? 'answeredNoKey',
        carrierCode: `key:${k.keypress}`,
        keys: k.keypress,
      };
    }
    const failure = FailureCallback.safeParse(item);
    if (failure.success) {
      const f = failure.data.voice_failure_callback;
      return {
        carrier: 'tencent',
        callId: f.callid,
        outcome: TENCENT_FAILURE_CODES[f.failure_code]?.outcome ?? 'providerFailure',
        carrierCode: `failure:${f.failure_code}`,
      };
    }
    const prompt = PromptCallback.parse(item).voiceprompt_callback;
    const startedAt = unix(prompt.accept_time);
    const endedAt = unix(prompt.end_calltime);
    return {
      carrier: 'tencent',
      callId: prompt.callid,
      outcome: TENCENT_PROMPT_RESULTS[prompt.result]?.outcome ?? 'providerFailure',
      carrierCode: `result:${prompt.result}`,
      ...(startedAt ? { startedAt } : {}),
      ...(endedAt ? { endedAt } : {}),
    };
  });
}
