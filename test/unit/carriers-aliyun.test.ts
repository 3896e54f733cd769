import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALIYUN_PUSH_ACK,
  buildSendSms,
  dysmsapiSender,
  parseSmsReport,
  parseSmsUp,
} from '../../shared/carriers/aliyun/sms.js';
import {
  ALIYUN_CALL_STATUS,
  aliyunCallOutcome,
  buildIvrCall,
  type IvrCallInput,
  parseVoiceReport,
  popCoreVoiceClient,
} from '../../shared/carriers/aliyun/voice.js';
import {
  CALL_OUTCOMES,
  CarrierRefused,
  outIdFor,
  settleCalls,
  settleReceipts,
  uniqueInbound,
} from '../../shared/carriers/outcome.js';

const fixture = (name: string): Record<string, unknown>[] =>
  JSON.parse(readFileSync(new URL(`../events/aliyun/${name}`, import.meta.url), 'utf-8'));

const call: IvrCallInput = {
  to: '+8613800130001',
  showNumber: '075712340000',
  startCode: 'anxin-checkin-yue.wav',
  menu: { '1': 'anxin-safe-yue.wav', '2': 'anxin-help-yue.wav', '0': 'anxin-checkin-yue.wav' },
  byeCode: 'anxin-bye-yue.wav',
  playTimes: 2,
  timeoutMs: 8000,
  outId: outIdFor('checkIn:CHK#e1#2026-12-08:1'),
};

describe('IvrCall request', () => {
  it('names every documented parameter, the number in national form and the 1, 2, 0 menu', () => {
    const params = buildIvrCall(call);
    expect(params).toEqual({
      CalledShowNumber: '075712340000',
      CalledNumber: '13800130001',
      StartCode: 'anxin-checkin-yue.wav',
      MenuKeyMap: [
        { Key: '1', Code: 'anxin-safe-yue.wav' },
        { Key: '2', Code: 'anxin-help-yue.wav' },
        { Key: '0', Code: 'anxin-checkin-yue.wav' },
      ],
      ByeCode: 'anxin-bye-yue.wav',
      PlayTimes: 2,
      Timeout: 8000,
      OutId: call.outId,
    });
  });

  it('keeps out ids within 15 bytes and refuses longer ones, a bad play count and a foreign number', () => {
    fc.assert(fc.property(fc.string(), (key) => Buffer.byteLength(outIdFor(key)) === 15));
    expect(() => buildIvrCall({ ...call, outId: '一二三四五六' })).toThrow(CarrierRefused);
    expect(() => buildIvrCall({ ...call, playTimes: 4 })).toThrow(/PlayTimes/);
    expect(() => buildIvrCall({ ...call, to: '+85291234567' })).toThrow(CarrierRefused);
  });

  it('sends IvrCall through the RPC client and answers with the call id', async () => {
    const seen: unknown[] = [];
    const client = popCoreVoiceClient({
      request: async <T>(action: string, params: object) => {
        seen.push({ action, params });
        return { Code: 'OK', Message: 'OK', RequestId: 'r1', CallId: '116012354148^10281378****' } as T;
      },
    });
    await expect(client.ivrCall(buildIvrCall(call))).resolves.toEqual({
      callId: '116012354148^10281378****',
    });
    expect(seen).toEqual([{ action: 'IvrCall', params: buildIvrCall(call) }]);
  });

  it('says whether a refused call may be retried: limits yes, a bad number no', async () => {
    const answering = (Code: string) =>
      popCoreVoiceClient({ request: async <T>() => ({ Code, Message: 'x' }) as T });
    await expect(answering('isv.BUSINESS_LIMIT_CONTROL').ivrCall(buildIvrCall(call))).rejects.toMatchObject({
      retryable: true,
      code: 'isv.BUSINESS_LIMIT_CONTROL',
    });
    await expect(answering('isv.MOBILE_NUMBER_ILLEGAL').ivrCall(buildIvrCall(call))).rejects.toMatchObject({
      retryable: false,
    });
    const down = popCoreVoiceClient({
      request: async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
    });
    await expect(down.ivrCall(buildIvrCall(call))).rejects.toMatchObject({
      retryable: true,
      code: 'Transport',
    });
    const lost = popCoreVoiceClient({
      request: async () => {
        throw new Error('timeout');
      },
    });
    await expect(lost.ivrCall(buildIvrCall(call))).rejects.toMatchObject({
      retryable: true,
      code: 'Transport',
    });
  });
});

describe('VoiceReport receipts', () => {
  it('reads the documented push field for field', () => {
    expect(parseVoiceReport(fixture('voice-report.json'))).toEqual([
      {
        carrier: 'aliyun',
        callId: '122628733198^109422060001',
        outId: 'PROD#2021042810271227129999192500610008S#new#MYBK0001',
        outcome: 'noAnswer',
        carrierCode: '200003',
        keys: '1',
        startedAt: '2021-04-28T10:03:40+08:00',
        endedAt: '2021-04-28T10:03:40+08:00',
        durationSeconds: 10,
      },
    ]);
  });

  it('maps every documented status code to an outcome, and the keys of an answered call', () => {
    for (const [code, { outcome }] of Object.entries(ALIYUN_CALL_STATUS)) {
      const got = aliyunCallOutcome(code, undefined);
      expect(CALL_OUTCOMES, code).toContain(got);
      if (outcome !== 'answered') expect(got, code).toBe(outcome);
    }
    expect(aliyunCallOutcome('200000', '1')).toBe('pressed1');
    expect(aliyunCallOutcome('200000', '2')).toBe('pressed2');
    expect(aliyunCallOutcome('200001', '12')).toBe('pressed2');
    expect(aliyunCallOutcome('300000', '9')).toBe('pressedOther');
    expect(aliyunCallOutcome('200000', '')).toBe('answeredNoKey');
    expect(aliyunCallOutcome('200002', '1')).toBe('busy');
    expect(aliyunCallOutcome('200010', undefined)).toBe('noAnswer');
    expect(aliyunCallOutcome('200004', undefined)).toBe('rejected');
    expect(aliyunCallOutcome('200119', undefined)).toBe('providerFailure');
  });

  it('turns an unknown status code into a provider failure that keeps the code', () => {
    const [record] = fixture('voice-report.json');
    const [outcome] = parseVoiceReport([{ ...record, status_code: '777777' }]);
    expect(outcome).toMatchObject({ outcome: 'providerFailure', carrierCode: '777777' });
  });

  it('gives one outcome per call for a batch pushed twice and shuffled', () => {
    const [record] = fixture('voice-report.json');
    const records = [
      { ...record, call_id: 'c1', status_code: '200000', dtmf: '1' },
      { ...record, call_id: 'c2', status_code: '200002', dtmf: '' },
      { ...record, call_id: 'c3', status_code: '200000', dtmf: '2' },
      { ...record, call_id: 'c4', status_code: '200121', dtmf: '' },
    ];
    const once = settleCalls(parseVoiceReport(records));
    fc.assert(
      fc.property(fc.shuffledSubarray([...records, ...records], { minLength: 8, maxLength: 8 }), (pushed) => {
        expect(settleCalls(parseVoiceReport(pushed))).toEqual(once);
      }),
    );
    expect(once.map((o) => [o.callId, o.outcome])).toEqual([
      ['c1', 'pressed1'],
      ['c2', 'busy'],
      ['c3', 'pressed2'],
      ['c4', 'providerFailure'],
    ]);
  });

  it('refuses a body that is not a batch of records', () => {
    expect(() => parseVoiceReport({ call_id: 'c1' })).toThrow();
    expect(() => parseVoiceReport([{ status_code: '200000' }])).toThrow();
  });
});

describe('SMS', () => {
  it('builds SendSms with the signature, template and its parameters as JSON', () => {
    expect(
      buildSendSms({
        to: '+8613800130001',
        signName: '安心',
        templateCode: 'SMS_1234',
        params: { village: '冲蒌村' },
        outId: 'm1',
      }),
    ).toEqual({
      phoneNumbers: '13800130001',
      signName: '安心',
      templateCode: 'SMS_1234',
      templateParam: '{"village":"冲蒌村"}',
      outId: 'm1',
    });
  });

  it('sends through the SDK client and keeps the BizId; a limit is retryable, a bad template is not', async () => {
    const ok = dysmsapiSender({
      sendSms: async () => ({ body: { code: 'OK', message: 'OK', bizId: '9006197469364984****' } }),
    });
    await expect(
      ok.send(buildSendSms({ to: '13800130001', signName: '安心', templateCode: 'T', params: {} })),
    ).resolves.toEqual({
      bizId: '9006197469364984****',
    });
    const limited = dysmsapiSender({
      sendSms: async () => ({ body: { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发流控' } }),
    });
    await expect(
      limited.send({ phoneNumbers: '1', signName: 's', templateCode: 't', templateParam: '{}' }),
    ).rejects.toMatchObject({
      retryable: true,
    });
    const bad = dysmsapiSender({ sendSms: async () => ({ body: { code: 'isv.SMS_TEMPLATE_ILLEGAL' } }) });
    await expect(
      bad.send({ phoneNumbers: '1', signName: 's', templateCode: 't', templateParam: '{}' }),
    ).rejects.toMatchObject({
      retryable: false,
    });
  });

  it('reads SmsReport into delivery receipts, delivered beating failed in any order', () => {
    const [record] = fixture('sms-report.json');
    expect(parseSmsReport([record])).toEqual([
      {
        carrier: 'aliyun',
        carrierMessageId: '123450000001',
        status: 'delivered',
        code: 'DELIVERED',
        at: '2017-01-01T00:00:00+08:00',
      },
    ]);
    const failed = { ...record, success: false, err_code: 'MK:0001' };
    const receipts = parseSmsReport([failed, record, failed]);
    expect(settleReceipts(receipts)).toEqual(settleReceipts([...receipts].reverse()));
    expect(settleReceipts(receipts)).toMatchObject([{ status: 'delivered' }]);
    expect(parseSmsReport([failed])).toMatchObject([{ status: 'failed', code: 'MK:0001' }]);
  });

  it('reads SmsUp in both documented shapes to the same reply, once however often it is pushed', () => {
    const current = parseSmsUp(fixture('sms-up.json'));
    const older = parseSmsUp(fixture('sms-up-numeric-sequence.json'));
    expect(current).toEqual([
      {
        carrier: 'aliyun',
        from: '+8613800130001',
        to: '1234',
        body: '内容',
        carrierMessageId: '1234567890',
        receivedAt: '2017-09-01T00:00:00+08:00',
      },
    ]);
    expect(uniqueInbound([...older, ...current, ...older])).toEqual(current);
  });

  it('answers every push as the carrier documents', () => {
    expect(JSON.stringify(ALIYUN_PUSH_ACK)).toBe('{"code":0,"msg":"成功"}');
  });
});

describe('official SDK clients', () => {
  it('are built from the stored credentials without a request', async () => {
    const { aliyunSmsSender, aliyunVoiceClient, tencentSmsClient, tencentVoiceClient, TencentCredentials } =
      await import('../../shared/carriers/sdk.js');
    const aliyun = { accessKeyId: 'LTAI-test', accessKeySecret: 'secret' };
    expect(typeof aliyunVoiceClient(aliyun).ivrCall).toBe('function');
    expect(typeof aliyunSmsSender(aliyun).send).toBe('function');
    const tencent = TencentCredentials.parse({ secretId: 'AKID-test', secretKey: 'secret' });
    expect(tencent.region).toBe('ap-guangzhou');
    expect(typeof tencentVoiceClient(tencent).sendTtsVoice).toBe('function');
    expect(typeof tencentSmsClient(tencent).send).toBe('function');
  });
});
