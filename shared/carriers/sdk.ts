import * as Dysmsapi from '@alicloud/dysmsapi20170525';
import RPCClient from '@alicloud/pop-core';
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import * as z from 'zod';
import { type AliyunSmsSender, dysmsapiSender } from './aliyun/sms.js';
import {
  type AliyunVoiceClient,
  DYVMS_API_VERSION,
  DYVMS_ENDPOINT,
  popCoreVoiceClient,
} from './aliyun/voice.js';
import { type TencentSendSmsParams, tencentSmsSender } from './tencent/sms.js';
import { type SendTtsVoiceParams, VMS_API_VERSION, VMS_ENDPOINT, vmsVoiceClient } from './tencent/voice.js';

/**
 * The carriers' official SDK clients, built from the credentials kept in Secrets Manager (one secret per
 * carrier, a JSON object). Creating a client makes no request; handlers create them once at cold start.
 */

/** The Alibaba secret: a RAM user's AccessKey limited to dyvms:IvrCall and dysms:SendSms. */
export const AliyunCredentials = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
});
export type AliyunCredentials = z.infer<typeof AliyunCredentials>;

/** The Tencent secret: a CAM sub-user's SecretId/SecretKey limited to vms:SendTtsVoice and sms:SendSms. */
export const TencentCredentials = z.object({
  secretId: z.string().min(1),
  secretKey: z.string().min(1),
  /** the API region (ap-guangzhou is nearest Jiangmen) */
  region: z.string().min(1).default('ap-guangzhou'),
});
export type TencentCredentials = z.infer<typeof TencentCredentials>;

export function aliyunVoiceClient(credentials: AliyunCredentials): AliyunVoiceClient {
  const rpc = new RPCClient({
    endpoint: DYVMS_ENDPOINT,
    apiVersion: DYVMS_API_VERSION,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
  });
  return popCoreVoiceClient({ request: (action, params, options) => rpc.request(action, params, options) });
}

// The package is CommonJS: under Node's ESM loader its default export is the module object, whose
// `default` is the client class; bundlers (esbuild, vite) hand over the class itself.
const dysmsapiModule = Dysmsapi.default as unknown as { default?: typeof Dysmsapi.default.default };
const DysmsapiClient = (dysmsapiModule.default ?? dysmsapiModule) as typeof Dysmsapi.default.default;
type DysmsapiConfig = ConstructorParameters<typeof DysmsapiClient>[0];

export function aliyunSmsSender(credentials: AliyunCredentials): AliyunSmsSender {
  const client = new DysmsapiClient({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    endpoint: 'dysmsapi.aliyuncs.com',
  } as DysmsapiConfig);
  return dysmsapiSender({ sendSms: (p) => client.sendSms(new Dysmsapi.SendSmsRequest(p)) });
}

export function tencentVoiceClient(credentials: TencentCredentials): {
  sendTtsVoice(params: SendTtsVoiceParams): Promise<{ callId: string }>;
} {
  const client = new CommonClient(VMS_ENDPOINT, VMS_API_VERSION, {
    credential: { secretId: credentials.secretId, secretKey: credentials.secretKey },
    region: credentials.region,
  });
  return vmsVoiceClient({ request: (action, req) => client.request(action, req) });
}

export function tencentSmsClient(credentials: TencentCredentials): {
  send(params: TencentSendSmsParams): Promise<{ serialNo: string }>;
} {
  const client = new sms.v20210111.Client({
    credential: { secretId: credentials.secretId, secretKey: credentials.secretKey },
    region: credentials.region,
  });
  return tencentSmsSender({ SendSms: (req) => client.SendSms(req) });
}
