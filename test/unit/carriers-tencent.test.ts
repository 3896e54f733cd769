import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALL_OUTCOMES,
  CarrierRefused,
  settleCalls,
  settleReceipts,
  uniqueInbound,
} from '../../shared/carriers/outcome.js';
import {
  buildTencentSms,
  parseTencentSmsReply,
  parseTencentSmsStatus,
  tencentSmsSender,
} from '../../shared/carriers/tencent/sms.js';
import {
  buildSendTtsVoice,
  parseVmsCallback,
  TENCENT_CALLBACK_ACK,
  TENCENT_FAILURE_CODES,
  TENCENT_PROMPT_RESULTS,
  vmsVoiceClient,
} from '../../shared/carriers/tencent/voice.js';

const fixture = (name: string): Record<string, Record<string, unknown>> =>
  JSON.parse(readFileSync(new URL(`../events/tencent/${name}`, import.meta.url), 'utf-8'));

describe('SendTtsVoice', () => {
  it('builds the documented request with the number in E.164', () => {
    expect(
      buildSendTtsVoice({
        to: '13800130001',
        sdkAppId: '1400006666',
        templateId: '4356',
        playTimes: 2,
        sessionContext: 'o1',
      }),
    ).toEqual({
      TemplateId: '4356',
      CalledNumber: '+8613800130001',
      VoiceSdkAppid: '1400006666',
      TemplateParamSet: [],
      PlayTimes: 2,
      SessionContext: 'o1',
    });
    expect(() =>
      buildSendTtsVoice({
        to: '+85291234567',
        sdkAppId: '1',
        templateId: '1',
        playTimes: 2,
        sessionContext: 'o',
      }),
    ).toThrow(CarrierRefused);
  });

  it('sends through the common client and keeps the call id; a rate limit is retryable', async () => {
    const seen: string[] = [];
    const client = vmsVoiceClient({
      request: async (action) => {
        seen.push(action);
        return {
          SendStatus: { CallId: '12582bce-4ecb-11eb-a7d6-5254009ba5a2', SessionContext: 'o1' },
          RequestId: 'r',
        };
      },
    });
    const params = buildSendTtsVoice({
      to: '13800130001',
      sdkAppId: '1',
      templateId: '1',
      playTimes: 1,
      sessionContext: 'o1',
    });
    await expect(client.sendTtsVoice(params)).resolves.toEqual({
      callId: '12582bce-4ecb-11eb-a7d6-5254009ba5a2',
    });
    expect(seen).toEqual(['SendTtsVoice']);
    const limited = vmsVoiceClient({
      request: async () => {
        throw Object.assign(new Error('limit'), { code: 'FailedOperation.FrequencyLimit' });
      },
    });
    await expect(limited.sendTtsVoice(params)).rejects.toMatchObject({ retryable: true });
  });
});

describe('VMS callbacks', () => {
  it('reads each documented callback field for field', () => {
    expect(parseVmsCallback(fixture('voice-prompt-callback.json'))).toEqual([
      {
        carrier: 'tencent',
        callId: 'xxxxxx',
        outcome: 'answeredNoKey',
        carrierCode: 'result:0',
        startedAt: '2016-08-03T12:06:51+08:00',
        endedAt: '2016-08-03T12:07:01+08:00',
      },
    ]);
    expect(parseVmsCallback(fixture('voice-key-callback.json'))).toEqual([
      { carrier: 'tencent', callId: 'xxxxxx', outcome: 'pressed2', carrierCode: 'key:2', keys: '2' },
    ]);
    expect(parseVmsCallback(fixture('voice-failure-callback.json'))).toEqual([
      { carrier: 'tencent', callId: 'xxxxxx', outcome: 'rejected', carrierCode: 'failure:8' },
    ]);
  });

  it('maps every documented failure code and prompt result; unknown ones are provider failures with the code', () => {
    const failure = fixture('voice-failure-callback.json');
    for (const [code, { outcome }] of Object.entries(TENCENT_FAILURE_CODES)) {
      const [o] = parseVmsCallback({
        voice_failure_callback: { ...failure.voice_failure_callback, failure_code: Number(code) },
      });
      expect(o?.outcome, code).toBe(outcome);
      expect(CALL_OUTCOMES).toContain(o?.outcome);
    }
    const prompt = fixture('voice-prompt-callback.json');
    for (const [result, { outcome }] of Object.entries(TENCENT_PROMPT_RESULTS)) {
      const [o] = parseVmsCallback({ voiceprompt_callback: { ...prompt.voiceprompt_callback, result } });
      expect(o?.outcome, result).toBe(outcome);
    }
    const [unknown] = parseVmsCallback({
      voice_failure_callback: { ...failure.voice_failure_callback, failure_code: 99 },
    });
    expect(unknown).toMatchObject({ outcome: 'providerFailure', carrierCode: 'failure:99' });
  });

  it('settles the separate callbacks of one call to one outcome in any order, repeated or not', () => {
    const events = [
      ...parseVmsCallback(fixture('voice-prompt-callback.json')),
      ...parseVmsCallback(fixture('voice-key-callback.json')),
      ...parseVmsCallback({
        voicekey_callback: { ...fixture('voice-key-callback.json').voicekey_callback, keypress: '1' },
      }),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray([...events, ...events], { minLength: 6, maxLength: 6 }), (pushed) => {
        const settled = settleCalls(pushed);
        expect(settled).toHaveLength(1);
        // 2 (help) wins over a 1 pressed in the same call, and the answer's times are kept
        expect(settled[0]).toMatchObject({ outcome: 'pressed2', startedAt: '2016-08-03T12:06:51+08:00' });
      }),
    );
    const noAnswer = parseVmsCallback({
      voiceprompt_callback: { ...fixture('voice-prompt-callback.json').voiceprompt_callback, result: '2' },
    });
    const why = parseVmsCallback(fixture('voice-failure-callback.json'));
    expect(settleCalls([...noAnswer, ...why])).toEqual(settleCalls([...why, ...noAnswer]));
    expect(settleCalls([...noAnswer, ...why])[0]?.outcome).toBe('rejected');
  });

  it('answers every callback as documented', () => {
    expect(JSON.stringify(TENCENT_CALLBACK_ACK)).toBe('{"result":0,"errmsg":"OK"}');
  });
});

describe('SMS', () => {
  it('builds SendSms with the SDK app id, signature, template and parameters', () => {
    expect(
      buildTencentSms({
        to: '13800130001',
        sdkAppId: '1400000001',
        signName: '安心',
        templateId: '449739',
        params: ['冲蒌村'],
      }),
    ).toEqual({
      PhoneNumberSet: ['+8613800130001'],
      SmsSdkAppId: '1400000001',
      SignName: '安心',
      TemplateId: '449739',
      TemplateParamSet: ['冲蒌村'],
    });
  });

  it('keeps the serial number of a sent text and refuses a failed status', async () => {
    const ok = tencentSmsSender({
      SendSms: async () => ({
        SendStatusSet: [
          { SerialNo: '5000:1045710669157053657849499619', Code: 'Ok', Message: 'send success' },
        ],
      }),
    });
    const params = buildTencentSms({
      to: '13800130001',
      sdkAppId: '1',
      signName: '安心',
      templateId: '1',
      params: [],
    });
    await expect(ok.send(params)).resolves.toEqual({ serialNo: '5000:1045710669157053657849499619' });
    const bad = tencentSmsSender({
      SendSms: async () => ({
        SendStatusSet: [{ Code: 'FailedOperation.TemplateIncorrectOrUnapproved', Message: 'x' }],
      }),
    });
    await expect(bad.send(params)).rejects.toMatchObject({ retryable: false });
  });

  it('reads the status callback, one receipt per text in any order', () => {
    const batch = fixture('sms-status-callback.json') as unknown as Record<string, unknown>[];
    const [record] = batch;
    expect(parseTencentSmsStatus(batch)).toEqual([
      {
        carrier: 'tencent',
        carrierMessageId: 'xxxxxxx',
        status: 'delivered',
        code: 'DELIVRD',
        at: '2015-10-17T08:03:04+08:00',
      },
    ]);
    const failed = { ...record, report_status: 'FAIL', errmsg: 'MK:0001' };
    const receipts = parseTencentSmsStatus([failed, record, failed]);
    expect(settleReceipts(receipts)).toEqual(settleReceipts([...receipts].reverse()));
    expect(settleReceipts(receipts)).toMatchObject([{ status: 'delivered' }]);
  });

  it('reads a reply and gives a repeat of it the same id', () => {
    const reply = fixture('sms-reply-callback.json');
    const [text] = parseTencentSmsReply(reply);
    expect(text).toMatchObject({
      carrier: 'tencent',
      from: '+8613800130001',
      to: '扩展码',
      body: '用户回复的内容',
      receivedAt: '2016-03-07T15:47:49+08:00',
    });
    expect(
      uniqueInbound([...parseTencentSmsReply([reply, reply]), ...parseTencentSmsReply(reply)]),
    ).toHaveLength(1);
    expect(parseTencentSmsReply({ ...reply, text: '好' })[0]?.carrierMessageId).not.toBe(
      text?.carrierMessageId,
    );
  });
});
