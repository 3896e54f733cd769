import * as z from 'zod';
import { carrierText, optionalCarrierText } from '../fields.js';
import {
  beijingTime,
  type CallOutcome,
  type CallOutcomeKind,
  CarrierRefused,
  carrierCodeOf,
  nationalMobile,
  outcomeOfKeys,
} from '../outcome.js';

/**
 * Alibaba Cloud voice (dyvms, API version 2017-05-25): the IvrCall request and the call-result receipts
 * (VoiceReport, pushed over HTTP as a JSON array). Pure apart from `popCoreVoiceClient`, which sends the
 * request through the official generic RPC client `@alicloud/pop-core` (it signs the request).
 *
 * Sources: IvrCall https://help.aliyun.com/document_detail/393521.html; VoiceReport (HTTP batch push)
 * https://help.aliyun.com/zh/vms/voicereport-6; status codes
 * https://help.aliyun.com/document_detail/55085.html and https://help.aliyun.com/document_detail/112804.htm.
 */

export const DYVMS_ENDPOINT = 'https://dyvmsapi.aliyuncs.com';
export const DYVMS_API_VERSION = '2017-05-25';

/** What Anxin asks for: one check-in call with a start prompt, the 1/2/0 menu, a goodbye and an out id. */
export interface IvrCallInput {
  /** the elder's number, E.164 or 11 digits */
  to: string;
  /** our display number (CalledShowNumber): one the account bought */
  showNumber: string;
  /** the start prompt: an uploaded audio id or a reviewed voice template id */
  startCode: string;
  /** what each key plays: 1 (safe), 2 (help), 0 (hear it again) */
  menu: { '1': string; '2': string; '0': string };
  byeCode: string;
  /** times the start prompt plays, 1 to 3 */
  playTimes: number;
  /** how long to wait for a key, milliseconds */
  timeoutMs: number;
  /** at most 15 bytes (see outIdFor) */
  outId: string;
}

/** The IvrCall parameters exactly as the API names them; pop-core flattens MenuKeyMap to MenuKeyMap.N.Key. */
export interface IvrCallParams {
  CalledShowNumber: string;
  CalledNumber: string;
  StartCode: string;
  MenuKeyMap: { Key: string; Code: string }[];
  ByeCode: string;
  PlayTimes: number;
  Timeout: number;
  OutId: string;
}

/**
 * The IvrCall request for one attempt. Throws a non-retryable CarrierRefused for what the carrier would
 * refuse anyway: a number outside the mainland, an out id over 15 bytes, play times outside 1 to 3.
 *
 * @example buildIvrCall({ to: '+8613800138000', showNumber: '075712345678', startCode: 'a.wav', … })
 *   // → { CalledNumber: '13800138000', MenuKeyMap: [{ Key: '1', Code: … }, …], … }
 */
export function buildIvrCall(input: IvrCallInput): IvrCallParams {
  if (Buffer.byteLength(input.outId, 'utf8') > 15 || input.outId === '') {
    throw new CarrierRefused('aliyun', 'OutId', false, 'OutId must be 1 to 15 bytes');
  }
  if (!Number.isInteger(input.playTimes) || input.playTimes < 1 || input.playTimes > 3) {
    throw new CarrierRefused('aliyun', 'PlayTimes', false, 'PlayTimes must be 1 to 3');
  }
  if (!Number.isInteger(input.timeoutMs) || input.timeoutMs <= 0) {
    throw new CarrierRefused('aliyun', 'Timeout', false, 'Timeout must be a positive number of milliseconds');
  }
  return {
    CalledShowNumber: input.showNumber,
    CalledNumber: nationalMobile(input.to),
    StartCode: input.startCode,
    MenuKeyMap: (['1', '2', '0'] as const).map((key) => ({ Key: key, Code: input.menu[key] })),
    ByeCode: input.byeCode,
    PlayTimes: input.playTimes,
    Timeout: input.timeoutMs,
    OutId: input.outId,
  };
}

/** The slice of `@alicloud/pop-core`'s RPCClient Anxin uses (so tests pass a fake). */
export interface RpcClient {
  request<T>(action: string, params: object, options?: object): Promise<T>;
}

export interface AliyunVoiceClient {
  /** Places the call; resolves with the carrier's call id once it accepted the request. */
  ivrCall(params: IvrCallParams): Promise<{ callId: string }>;
}

const IvrCallResponse = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  CallId: z.string().optional(),
  RequestId: z.string().optional(),
});

/** Error codes that a later try can get past (limits, busy systems); any other code is final. */
const RETRYABLE =
  /^(Throttling|ServiceUnavailable|InternalError|isv\.BUSINESS_LIMIT_CONTROL|isv\.OUT_OF_SERVICE|SignatureNonceUsed)/;

/**
 * IvrCall through pop-core: `new RPCClient({ endpoint: DYVMS_ENDPOINT, apiVersion: DYVMS_API_VERSION,
 * accessKeyId, accessKeySecret })` (the keys come from Secrets Manager). A code other than `OK`, or a
 * transport error, becomes a CarrierRefused that says whether to retry.
 */
export function popCoreVoiceClient(rpc: RpcClient): AliyunVoiceClient {
  return {
    async ivrCall(params) {
      let raw: unknown;
      try {
        raw = await rpc.request('IvrCall', params, { method: 'POST', timeout: 5000 });
      } catch (error) {
        const text = carrierCodeOf(error);
        throw new CarrierRefused('aliyun', text, text === 'Transport' || RETRYABLE.test(text));
      }
      const answer = IvrCallResponse.safeParse(raw);
      if (!answer.success) throw new CarrierRefused('aliyun', 'BadResponse', true);
      const { Code, Message, CallId } = answer.data;
      if (Code !== 'OK' || !CallId) throw new CarrierRefused('aliyun', Code, RETRYABLE.test(Code), Message);
      return { callId: CallId };
    },
  };
}

/**
 * Every documented call status code and what it means for a check-in. 200000/200001/200100/300000 are
 * answered calls whose keys (`dtmf`) decide; the others settle the attempt by themselves.
 */
export const ALIYUN_CALL_STATUS: Record<string, { outcome: CallOutcomeKind | 'answered'; meaning: string }> =
  {
    '200000': { outcome: 'answered', meaning: '用户听完语音' },
    '200001': { outcome: 'answered', meaning: '用户提前挂机未完整收听' },
    '200002': { outcome: 'busy', meaning: '用户占线' },
    '200003': { outcome: 'noAnswer', meaning: '用户收到呼叫但未接听' },
    '200004': { outcome: 'rejected', meaning: '用户号码不合法' },
    '200005': { outcome: 'rejected', meaning: '被叫用户无法接通（拒接、防骚扰）' },
    '200006': { outcome: 'providerFailure', meaning: '语音播放失败，铃声格式有误' },
    '200007': { outcome: 'noAnswer', meaning: '用户无法接通（不在服务区）' },
    '200008': { outcome: 'answeredNoKey', meaning: '获取按键超时' },
    '200010': { outcome: 'noAnswer', meaning: '关机' },
    '200011': { outcome: 'rejected', meaning: '停机' },
    '200012': { outcome: 'providerFailure', meaning: '呼损（呼叫受限）' },
    '200100': { outcome: 'answered', meaning: '呼叫结束' },
    '200101': { outcome: 'providerFailure', meaning: '正在接通主叫（不是结束状态）' },
    '200102': { outcome: 'providerFailure', meaning: '正在接通被叫（不是结束状态）' },
    '200103': { outcome: 'providerFailure', meaning: '呼叫建立，正在通话（不是结束状态）' },
    '200104': { outcome: 'providerFailure', meaning: '主叫号码受限' },
    '200105': { outcome: 'rejected', meaning: '被叫号码受限' },
    '200111': { outcome: 'rejected', meaning: '被叫无法接通（拒绝）' },
    '200112': { outcome: 'busy', meaning: '被叫占线' },
    '200113': { outcome: 'noAnswer', meaning: '被叫收到呼叫但未接听' },
    '200116': { outcome: 'rejected', meaning: '被叫号码不合法' },
    '200117': { outcome: 'providerFailure', meaning: '来电显示号码不合法' },
    '200118': { outcome: 'providerFailure', meaning: '供应商时间段限呼' },
    '200119': { outcome: 'providerFailure', meaning: '供应商超频限呼' },
    '200120': { outcome: 'noAnswer', meaning: '被叫无法接通（不在服务区）' },
    '200121': { outcome: 'providerFailure', meaning: '呼叫超并发' },
    '200130': { outcome: 'providerFailure', meaning: '其他（无法识别）' },
    '300000': { outcome: 'answered', meaning: 'DTMF 按键消息' },
    '9996': { outcome: 'providerFailure', meaning: '呼叫未建立或已结束' },
    '999999': { outcome: 'providerFailure', meaning: '系统错误' },
    '500': { outcome: 'providerFailure', meaning: '运营商错误' },
    '400': { outcome: 'providerFailure', meaning: '网元繁忙' },
    '482': { outcome: 'rejected', meaning: '被叫号码不可用' },
    '476': { outcome: 'providerFailure', meaning: '号码强制回收（我方号码）' },
  };

/** The outcome one status code and the keys pressed give; an unknown code is a provider failure. */
export function aliyunCallOutcome(statusCode: string, dtmf: string | undefined): CallOutcomeKind {
  const known = ALIYUN_CALL_STATUS[statusCode];
  if (!known) return 'providerFailure';
  if (known.outcome !== 'answered') return known.outcome;
  return outcomeOfKeys(dtmf) ?? 'answeredNoKey';
}

/** One VoiceReport record; fields the carrier adds later pass through unread. */
export const VoiceReportRecord = z.looseObject({
  call_id: carrierText,
  status_code: carrierText,
  out_id: optionalCarrierText,
  dtmf: optionalCarrierText,
  start_time: optionalCarrierText,
  b_start_time: optionalCarrierText,
  end_time: optionalCarrierText,
  duration: optionalCarrierText,
  callee: optionalCarrierText,
});
export const VoiceReportBatch = z.array(VoiceReportRecord);

/**
 * The outcomes of a VoiceReport push (a JSON array): one per record, unsettled (see settleCalls for
 * repeats). A body that is not a JSON array of records throws a ZodError: answer it with a 4xx only after
 * keeping the body for staff.
 */
export function parseVoiceReport(body: unknown): CallOutcome[] {
  return VoiceReportBatch.parse(body).map((r) => {
    const duration = r.duration === undefined ? undefined : Number(r.duration);
    const started = beijingTime(r.b_start_time ?? r.start_time);
    const ended = beijingTime(r.end_time);
    return {
      carrier: 'aliyun' as const,
      callId: r.call_id,
      outcome: aliyunCallOutcome(r.status_code, r.dtmf),
      carrierCode: r.status_code,
      ...(r.out_id ? { outId: r.out_id } : {}),
      ...(r.dtmf ? { keys: r.dtmf } : {}),
      ...(started ? { startedAt: started } : {}),
      ...(ended ? { endedAt: ended } : {}),
      ...(duration !== undefined && Number.isFinite(duration) ? { durationSeconds: duration } : {}),
    };
  });
}
