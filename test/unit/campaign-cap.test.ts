import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaignSchema } from '../../shared/campaigns/campaign.js';
import {
  CapAlertRefused,
  capAlertToDraft,
  capCampaignDraft,
  capCampaignId,
  capToProposal,
  kindOf,
  parseCapAlert,
  SMS_MAX_CHARS,
  trimForSms,
  verifyCapSignature,
} from '../../shared/campaigns/cap.js';

const fixture = (name: string) => readFileSync(new URL(`../events/cap/${name}.xml`, import.meta.url), 'utf8');
const typhoon = fixture('typhoon-taishan-kaiping');
const heat = fixture('heat-enping');
const cancel = fixture('cancel');
const malformed = fixture('malformed');

const SECRET = 'test-secret';
const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');
const beforeTyphoon = new Date('2026-09-12T09:00:00+08:00');
const duringHeat = new Date('2026-07-20T11:00:00+08:00');

/** Runs `fn` and returns the CapAlertRefused it threw (fails the test otherwise). */
function refusal(fn: () => unknown): CapAlertRefused {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CapAlertRefused);
    return error as CapAlertRefused;
  }
  throw new Error('expected a CapAlertRefused');
}

describe('CAP 1.2 alert → draft campaign', () => {
  it('drafts a typhoon campaign for 台山市 (geocode) and 开平市 (areaDesc)', () => {
    const draft = capAlertToDraft(
      { secret: SECRET, rawBody: typhoon, signature: sign(typhoon) },
      { now: beforeTyphoon },
    );
    expect(draft).toMatchObject({
      status: 'draft',
      kind: 'typhoon',
      counties: ['440781', '440783'],
      window: { start: '2026-09-12T18:00:00+08:00', end: '2026-09-14T08:00:00+08:00' },
      severity: 'Severe',
      source: { identifier: '44070041600000_20260912083000', capStatus: 'Actual', msgType: 'Alert' },
      message: { language: 'zh-CN' },
    });
    expect([...draft.message.sms].length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(draft.message.sms.endsWith('…')).toBe(true);
    expect(draft.message.full).toContain('紧急情况请拨打120或110');
    expect(draft.message.full.startsWith(draft.message.sms.slice(0, -1))).toBe(true);
  });

  it('drafts a heat campaign from a prefixed-namespace alert, ignoring codes outside the counties', () => {
    const draft = capToProposal(parseCapAlert(heat), { now: duringHeat });
    expect(draft.kind).toBe('heat');
    expect(draft.counties).toEqual(['440785']);
    expect(draft.window).toEqual({ start: '2026-07-20T10:00:00+08:00', end: '2026-07-21T20:00:00+08:00' });
    expect(draft.message.sms).toBe('减少户外活动，多喝水，开窗通风或使用空调。');
    expect(draft.message.sms).toBe(draft.message.full);
  });

  it('accepts the body as bytes and a "sha256=" prefixed signature', () => {
    const bytes = new TextEncoder().encode(typhoon);
    const draft = capAlertToDraft(
      { secret: SECRET, rawBody: bytes, signature: `sha256=${sign(typhoon).toUpperCase()}` },
      { now: beforeTyphoon },
    );
    expect(draft.kind).toBe('typhoon');
  });

  it('uses the configured counties', () => {
    const only = { '440781': { zh: '台山市', en: 'Taishan' } };
    expect(capToProposal(parseCapAlert(typhoon), { now: beforeTyphoon, counties: only }).counties).toEqual([
      '440781',
    ]);
  });

  it('names the kind from China warning names and English events', () => {
    expect(kindOf('暴雨')).toBe('rainstorm');
    expect(kindOf('寒冷')).toBe('cold');
    expect(kindOf('寒潮')).toBe('cold');
    expect(kindOf('Tropical Cyclone')).toBe('typhoon');
    expect(kindOf('雷电')).toBe('other');
    expect(kindOf(undefined, '大风', '台风蓝色预警')).toBe('typhoon');
  });

  it('trims SMS text to 70 characters', () => {
    expect(trimForSms('短信')).toBe('短信');
    const long = '台'.repeat(100);
    expect([...trimForSms(long)].length).toBe(70);
  });
});

describe('refusals', () => {
  it('refuses unsigned and wrongly signed alerts with 401', () => {
    for (const signature of [undefined, '', '   ']) {
      const e = refusal(() => capAlertToDraft({ secret: SECRET, rawBody: typhoon, signature }));
      expect(e.code).toBe('cap.signatureMissing');
      expect(e.status).toBe(401);
      expect(e.message).toContain('未签名');
      expect(e.message).toContain('unsigned');
    }
    const wrong = createHmac('sha256', 'other').update(typhoon).digest('hex');
    for (const signature of [wrong, 'abc', 'z'.repeat(64), sign(`${typhoon} `)]) {
      const e = refusal(() => capAlertToDraft({ secret: SECRET, rawBody: typhoon, signature }));
      expect(e.code).toBe('cap.signatureInvalid');
    }
  });

  it('verifyCapSignature checks the raw body and never verifies with an empty secret', () => {
    expect(verifyCapSignature(SECRET, typhoon, sign(typhoon))).toBe(true);
    expect(verifyCapSignature(SECRET, typhoon.replace('440781', '440783'), sign(typhoon))).toBe(false);
    expect(verifyCapSignature('', typhoon, createHmac('sha256', '').update(typhoon).digest('hex'))).toBe(
      false,
    );
    expect(verifyCapSignature(SECRET, typhoon, undefined)).toBe(false);
  });

  it('refuses malformed XML, naming the line', () => {
    const e = refusal(() => parseCapAlert(malformed));
    expect(e.code).toBe('cap.notXml');
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/不是有效的 XML.*line \d+.*not well-formed XML/);
    expect(refusal(() => parseCapAlert('not xml at all')).code).toBe('cap.notXml');
    expect(refusal(() => parseCapAlert('')).code).toBe('cap.notXml');
  });

  it('refuses a DOCTYPE (no entity expansion)', () => {
    const bomb = typhoon.replace('<alert', '<!DOCTYPE alert [<!ENTITY a "aaaa">]>\n<alert');
    expect(refusal(() => parseCapAlert(bomb)).code).toBe('cap.notXml');
  });

  it('refuses the wrong namespace or root', () => {
    const cap11 = typhoon.replace('emergency:cap:1.2', 'emergency:cap:1.1');
    expect(refusal(() => parseCapAlert(cap11)).code).toBe('cap.namespace');
    const noNs = typhoon.replace(' xmlns="urn:oasis:names:tc:emergency:cap:1.2"', '');
    expect(refusal(() => parseCapAlert(noNs)).code).toBe('cap.namespace');
    expect(refusal(() => parseCapAlert('<feed xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>')).code).toBe(
      'cap.namespace',
    );
  });

  it('refuses missing or invalid fields, naming them', () => {
    const noId = typhoon.replace(/<identifier>.*<\/identifier>/, '');
    const e = refusal(() => parseCapAlert(noId));
    expect(e.code).toBe('cap.invalid');
    expect(e.status).toBe(422);
    expect(e.message).toContain('identifier');
    const badSent = typhoon.replace('<sent>2026-09-12T08:30:00+08:00', '<sent>2026-09-12 08:30');
    expect(refusal(() => parseCapAlert(badSent)).message).toContain('sent');
    const badSeverity = typhoon.replace('<severity>Severe', '<severity>Orange');
    expect(refusal(() => parseCapAlert(badSeverity)).message).toContain('info.0.severity');
  });

  it('refuses an expired alert', () => {
    const e = refusal(() => capToProposal(parseCapAlert(typhoon), { now: new Date('2026-09-15T00:00:00Z') }));
    expect(e.code).toBe('cap.expired');
    expect(e.message).toContain('2026-09-14T08:00:00+08:00');
  });

  it('refuses an alert with no county in scope', () => {
    const guangzhou = heat.replace('<cap:value>440785</cap:value>', '<cap:value>440103</cap:value>');
    const outside = guangzhou.replace('恩平市全境', '广州市荔湾区');
    expect(refusal(() => capToProposal(parseCapAlert(outside), { now: duringHeat })).code).toBe(
      'cap.noCounty',
    );
  });

  it('refuses a Cancel message, naming what it cancels', () => {
    const e = refusal(() =>
      capAlertToDraft({ secret: SECRET, rawBody: cancel, signature: sign(cancel) }, { now: beforeTyphoon }),
    );
    expect(e.code).toBe('cap.cancel');
    expect(e.message).toContain('44070041600000_20260912083000');
  });

  it('refuses a body that is too large', () => {
    expect(refusal(() => parseCapAlert(`<a>${'x'.repeat(2_200_000)}</a>`)).code).toBe('cap.tooLarge');
  });
});

describe('never throws anything but CapAlertRefused', () => {
  const run = (body: string | Uint8Array) => {
    try {
      capAlertToDraft(
        { secret: SECRET, rawBody: body, signature: sign(body as string) },
        { now: beforeTyphoon },
      );
    } catch (error) {
      if (!(error instanceof CapAlertRefused)) throw error;
    }
  };

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => run(s)));
    fc.assert(
      fc.property(fc.stringMatching(/^<[a-z:]{1,8}( xmlns(:[a-z]{1,3})?="[^"<]{0,40}")?>.{0,80}$/), (s) =>
        run(s),
      ),
    );
  });

  it('on mutated valid alerts', () => {
    const pieces = ['<', '>', '</info>', '<info>', '&amp;', '&#0;', '&x;', '<![CDATA[', ']]>', '"', '<?x?>'];
    const mutation = fc.tuple(
      fc.nat(typhoon.length),
      fc.nat(40),
      fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...pieces)),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(typhoon, heat, cancel),
        fc.array(mutation, { maxLength: 4 }),
        (base, edits) => {
          let body = base;
          for (const [at, remove, insert] of edits) {
            const i = at % (body.length + 1);
            body = body.slice(0, i) + insert + body.slice(i + remove);
          }
          run(body);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on absurdly deep nesting within the size limit', () => {
    const open = '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">';
    run(`${open}${'<a>'.repeat(36_000)}${'</a>'.repeat(36_000)}</alert>`);
  });

  it('on invalid UTF-8 bytes', () => {
    run(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]));
  });
});

describe('CAP proposal → one draft campaign per county', () => {
  const taishan = { zh: '台山市', en: 'Taishan' };
  const proposal = () =>
    capAlertToDraft({ secret: SECRET, rawBody: typhoon, signature: sign(typhoon) }, { now: beforeTyphoon });

  it('is a valid draft for the county: A and B, A twice a day for a severe expected typhoon, a signed one-part text', () => {
    const draft = campaignSchema.parse({
      ...capCampaignDraft(proposal(), '440781', taishan),
      createdBy: 'cityAdmin:alice',
      createdAt: '2026-09-12T09:00:00+08:00',
    });
    expect(draft).toMatchObject({
      status: 'draft',
      source: 'cap',
      kind: 'typhoon',
      target: { counties: ['440781'], categories: ['A', 'B'] },
      window: { start: '2026-09-12T18:00:00+08:00', end: '2026-09-14T08:00:00+08:00' },
      cadence: { A: { everyHours: 12 }, B: { everyHours: 24 } },
      alert: { identifier: '44070041600000_20260912083000', capStatus: 'Actual', severity: 'Severe' },
    });
    expect(draft.title).toBe('江门市气象台发布台风橙色预警信号（台山市）');
    expect(draft.messages.text.startsWith('【安心】')).toBe(true);
    expect([...draft.messages.text].length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(draft.messages.call.yue).toContain('紧急情况请拨打120或110');
  });

  it('calls A daily when the alert is only moderate', () => {
    const moderate = { ...proposal(), severity: 'Moderate' as const };
    expect(capCampaignDraft(moderate, '440781', taishan).cadence).toEqual({
      A: { everyHours: 24 },
      B: { everyHours: 24 },
    });
  });

  it('gives the same alert and county the same id, and any other pair another', () => {
    const p = proposal();
    expect(capCampaignId(p, '440781')).toBe(capCampaignId(proposal(), '440781'));
    expect(capCampaignId(p, '440781')).not.toBe(capCampaignId(p, '440783'));
    const other = { ...p, source: { ...p.source, identifier: `${p.source.identifier}-update` } };
    expect(capCampaignId(other, '440781')).not.toBe(capCampaignId(p, '440781'));
    expect(capCampaignId(p, '440781')).toMatch(/^[A-Za-z0-9-]{1,64}$/);
  });
});
