import { describe, expect, it } from 'vitest';
import { askForCodeText, chooseCase, isBareAcknowledgement } from '../../shared/phone/acknowledge.js';

const FROM = '+8613800137001';
const step = (to: string, status: 'sent' | 'failed' = 'sent') => ({
  n: 0,
  level: 1 as const,
  to,
  role: 'contact' as const,
  ref: 'c',
  channel: 'sms' as const,
  at: '2025-07-01T09:00:00Z',
  status,
});

describe("a contact's bare acknowledgement (收到 / 好 / OK)", () => {
  it.each(['收到', ' 收到！', '好', '好的。', 'OK', 'ok', 'Ｏｋ'])(
    'reads %s as an acknowledgement',
    (text) => {
      expect(isBareAcknowledgement(text)).toBe(true);
    },
  );

  it.each(['收到2627', '1', '2', '不好', '好像有事', ''])('does not read %s as one', (text) => {
    expect(isBareAcknowledgement(text)).toBe(false);
  });

  it('acknowledges the only open case that notified the number', () => {
    const cases = [
      { id: 'a', status: 'open' as const, steps: [step(FROM)] },
      { id: 'b', status: 'closed' as const, steps: [step(FROM)] },
      { id: 'c', status: 'acknowledged' as const, steps: [step(FROM)] },
      { id: 'd', status: 'open' as const, steps: [step('+8613800137002')] },
      { id: 'e', status: 'open' as const, steps: [step(FROM, 'failed')] },
    ];
    expect(chooseCase(cases, FROM)).toEqual({ caseId: 'a' });
  });

  it('asks for the code when the number has several open cases, and does nothing with none', () => {
    const two = [
      { id: 'a', status: 'open' as const, steps: [step(FROM)] },
      { id: 'b', status: 'open' as const, steps: [step('+8613800137009'), step(FROM)] },
    ];
    expect(chooseCase(two, FROM)).toEqual({ several: 2 });
    expect(chooseCase([], FROM)).toBeUndefined();
    expect(askForCodeText(2)).toMatch(/2 个待处理的求助事件.*收到2627/);
  });
});
