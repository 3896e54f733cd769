import * as z from 'zod';
import { carrierText, optionalCarrierText } from '../fields.js';
import {
  beijingTime,
  CarrierRefused,
  carrierCodeOf,
  type DeliveryReceipt,
  type InboundText,
  nationalMobile,
  toE164,
} from '../outcome.js';

/**
 * Alibaba Cloud SMS (dysmsapi 2017-05-25): SendSms through the official `@alicloud/dysmsapi20170525`
 * client, and the two HTTP batch pushes: SmsReport (delivery) and SmsUp (replies). Pure apart from the
 * injected client.
 *
 * Sources: SmsReport https://help.aliyun.com/zh/sms/developer-reference/smsreport-2; SmsUp
 * https://help.aliyun.com/zh/sms/developer-reference/smsup-http; SendSms
 * https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms.
 */

/** What every Alibaba push (VoiceReport, SmsReport, SmsUp) must be answered with, HTTP 200, within seconds. */
export const ALIYUN_PUSH_ACK = { code: 0, msg: '成功' } as const;

export interface AliyunSmsInput {
  to: string;
  signName: string;
  templateCode: string;
  /** the template's variables; values are strings, as the template takes them */
  params: Record<string, string>;
  /** our id for the text, echoed as out_id in SmsReport */
  outId?: string;
}

/** SendSms's parameters as the SDK's SendSmsRequest names them. */
export interface SendSmsParams {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: string;
  outId?: string;
}

/** One text to one number (one BizId per text keeps receipts one-to-one). */
export function buildSendSms(input: AliyunSmsInput): SendSmsParams {
  return {
    phoneNumbers: nationalMobile(input.to),
    signName: input.signName,
    templateCode: input.templateCode,
    templateParam: JSON.stringify(input.params),
    ...(input.outId ? { outId: input.outId } : {}),
  };
}

/** The slice of the SDK's Client Anxin uses: `new Client(new Config({ accessKeyId, accessKeySecret, endpoint }))`. */
export interface DysmsapiClient {
  sendSms(request: SendSmsParams): Promise<{ body?: { code?: string; message?: string; bizId?: string } }>;
}

export interface AliyunSmsSender {
  send(params: SendSmsParams): Promise<{ bizId: string }>;
}

const RETRYABLE =
  /^(Throttling|ServiceUnavailable|InternalError|isv\.BUSINESS_LIMIT_CONTROL|isv\.OUT_OF_SERVICE|isv\.DAY_LIMIT_CONTROL)/;

/**
 * Sends through the SDK (pass `(p) => client.sendSms(new SendSmsRequest(p))`); a code other than `OK`
 * becomes a CarrierRefused that says whether a later try can succeed (limits can, a bad template cannot).
 */
export function dysmsapiSender(client: DysmsapiClient): AliyunSmsSender {
  return {
    async send(params) {
      let answer: Awaited<ReturnType<DysmsapiClient['sendSms']>>;
      try {
        answer = await client.sendSms(params);
      } catch (error) {
        const text = carrierCodeOf(error);
        throw new CarrierRefused('aliyun', text, text === 'Transport' || RETRYABLE.test(text));
      }
      const code = answer.body?.code ?? 'BadResponse';
      if (code !== 'OK' || !answer.body?.bizId) {
        throw new CarrierRefused(
          'aliyun',
          code,
          code === 'BadResponse' || RETRYABLE.test(code),
          answer.body?.message,
        );
      }
      return { bizId: answer.body.bizId };
    },
  };
}

export const SmsReportRecord = z.looseObject({
  phone_number: optionalCarrierText,
  send_time: optionalCarrierText,
  report_time: optionalCarrierText,
  success: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  err_code: optionalCarrierText,
  err_msg: optionalCarrierText,
  sms_size: optionalCarrierText,
  biz_id: carrierText,
  out_id: optionalCarrierText,
});

/** The delivery receipts of one SmsReport push, one per record (see settleReceipts for repeats). */
export function parseSmsReport(body: unknown): DeliveryReceipt[] {
  return z
    .array(SmsReportRecord)
    .parse(body)
    .map((r) => {
      const at = beijingTime(r.report_time);
      return {
        carrier: 'aliyun' as const,
        carrierMessageId: r.biz_id,
        status: r.success ? ('delivered' as const) : ('failed' as const),
        code: r.err_code ?? (r.success ? 'DELIVERED' : 'UNKNOWN'),
        ...(at ? { at } : {}),
      };
    });
}

export const SmsUpRecord = z.looseObject({
  phone_number: carrierText,
  content: z.string(),
  send_time: z.string(),
  dest_code: optionalCarrierText,
  sequence_id: carrierText,
  sign_name: optionalCarrierText,
});

/**
 * The replies of one SmsUp push. `sequence_id` is the message id (the docs show it as a number in one
 * version and a string in another: both are read, as a string, so 1234567890 and "1234567890" are one).
 */
export function parseSmsUp(body: unknown): InboundText[] {
  return z
    .array(SmsUpRecord)
    .parse(body)
    .map((r) => {
      const receivedAt = beijingTime(r.send_time);
      if (!receivedAt) throw new CarrierRefused('aliyun', 'send_time', false, 'SmsUp send_time unreadable');
      return {
        carrier: 'aliyun' as const,
        from: toE164(r.phone_number),
        to: r.dest_code ?? '',
        body: r.content,
        carrierMessageId: r.sequence_id,
        receivedAt,
      };
    });
}
