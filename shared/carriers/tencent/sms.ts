import { createHash } from 'node:crypto';
import * as z from 'zod';
import { carrierText, optionalCarrierText } from '../fields.js';
import {
  beijingTime,
  CarrierRefused,
  type DeliveryReceipt,
  fromUnixSeconds,
  type InboundText,
  toE164,
} from '../outcome.js';
import { tencentRefusal } from './voice.js';

/**
 * Tencent Cloud SMS (API 2021-01-11) through the official `tencentcloud-sdk-nodejs-sms`, and its two
 * callbacks: the delivery status (a JSON array) and a reply (one JSON object).
 *
 * Sources: SendSms https://cloud.tencent.com/document/api/382/55981; status callback
 * https://cloud.tencent.com/document/product/382/5807; reply callback https://cloud.tencent.com/document/api/382/5809.
 */

export interface TencentSmsInput {
  to: string;
  sdkAppId: string;
  signName: string;
  templateId: string;
  /** the template's variables in order ({1}, {2}, …) */
  params: string[];
  sessionContext?: string;
}

export interface TencentSendSmsParams {
  PhoneNumberSet: string[];
  SmsSdkAppId: string;
  SignName: string;
  TemplateId: string;
  TemplateParamSet: string[];
  SessionContext?: string;
}

export function buildTencentSms(input: TencentSmsInput): TencentSendSmsParams {
  const to = toE164(input.to);
  if (!/^\+861\d{10}$/.test(to))
    throw new CarrierRefused('tencent', 'PhoneNumberSet', false, 'not a mainland mobile');
  return {
    PhoneNumberSet: [to],
    SmsSdkAppId: input.sdkAppId,
    SignName: input.signName,
    TemplateId: input.templateId,
    TemplateParamSet: input.params,
    ...(input.sessionContext ? { SessionContext: input.sessionContext } : {}),
  };
}

/** The slice of the SDK's SmsClient (`new sms.v20210111.Client({ credential, region })`) Anxin uses. */
export interface TencentSmsClient {
  SendSms(req: TencentSendSmsParams): Promise<{
    SendStatusSet?: { SerialNo?: string; Code?: string; Message?: string }[];
  }>;
}

const RETRYABLE_STATUS =
  /^(LimitExceeded|InternalError|FailedOperation\.InsufficientBalanceInSmsPackage|RequestLimitExceeded)/;

export function tencentSmsSender(client: TencentSmsClient) {
  return {
    async send(params: TencentSendSmsParams): Promise<{ serialNo: string }> {
      let answer: Awaited<ReturnType<TencentSmsClient['SendSms']>>;
      try {
        answer = await client.SendSms(params);
      } catch (error) {
        throw tencentRefusal(error);
      }
      const status = answer.SendStatusSet?.[0];
      const code = status?.Code ?? 'BadResponse';
      if (code !== 'Ok' || !status?.SerialNo) {
        throw new CarrierRefused(
          'tencent',
          code,
          code === 'BadResponse' || RETRYABLE_STATUS.test(code),
          status?.Message,
        );
      }
      return { serialNo: status.SerialNo };
    },
  };
}

export const SmsStatusRecord = z.looseObject({
  user_receive_time: optionalCarrierText,
  nationcode: optionalCarrierText,
  mobile: optionalCarrierText,
  report_status: z.enum(['SUCCESS', 'FAIL']),
  errmsg: optionalCarrierText,
  description: optionalCarrierText,
  sid: carrierText,
});

/** The delivery receipts of one status callback (a JSON array; one object is read as a batch of one). */
export function parseTencentSmsStatus(body: unknown): DeliveryReceipt[] {
  const items = Array.isArray(body) ? body : [body];
  return z
    .array(SmsStatusRecord)
    .parse(items)
    .map((r) => {
      const at = beijingTime(r.user_receive_time);
      return {
        carrier: 'tencent' as const,
        carrierMessageId: r.sid,
        status: r.report_status === 'SUCCESS' ? ('delivered' as const) : ('failed' as const),
        code: r.errmsg ?? r.report_status,
        ...(at ? { at } : {}),
      };
    });
}

export const SmsReplyRecord = z.looseObject({
  extend: optionalCarrierText,
  mobile: carrierText,
  nationcode: optionalCarrierText,
  sign: optionalCarrierText,
  text: z.string(),
  time: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
});

/**
 * The replies of a reply callback (one object, or an array of them). The callback has no message id, so
 * the id is derived from what a repeat of the same push repeats: number, time and a hash of the text.
 */
export function parseTencentSmsReply(body: unknown): InboundText[] {
  const items = Array.isArray(body) ? body : [body];
  return z
    .array(SmsReplyRecord)
    .parse(items)
    .map((r) => {
      const from = toE164(r.mobile, r.nationcode ?? '86');
      const digest = createHash('sha256').update(r.text).digest('base64url').slice(0, 16);
      return {
        carrier: 'tencent' as const,
        from,
        to: r.extend ?? '',
        body: r.text,
        carrierMessageId: `${from}:${r.time}:${digest}`,
        receivedAt: fromUnixSeconds(r.time),
      };
    });
}
