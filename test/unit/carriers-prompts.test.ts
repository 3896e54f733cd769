import { describe, expect, it } from 'vitest';
import { CAMPAIGN_KINDS } from '../../shared/campaigns/kinds.js';
import { buildIvrCall } from '../../shared/carriers/aliyun/voice.js';
import { outIdFor } from '../../shared/carriers/outcome.js';
import {
  type AudioIds,
  ivrCallPrompts,
  PROMPT_IDS,
  PROMPT_LANGUAGES,
  PROMPTS,
  recordingFile,
  recordingFor,
} from '../../shared/carriers/prompts.js';
import { readCell } from '../../shared/import/values.js';
import { spokenLanguage } from '../../shared/phone/texts.js';
import { LANGUAGES } from '../../shared/registration/fields.js';
import { policy } from '../support/builders.js';

/** Every prompt uploaded in every language, ids as Alibaba gives them (the file name with a prefix). */
const everything: AudioIds = {
  aliyun: Object.fromEntries(
    PROMPT_IDS.flatMap((p) => PROMPT_LANGUAGES.map((l) => [`${p}.${l}`, `ali-${recordingFile(p, l)}`])),
  ),
};

describe('prompt catalogue', () => {
  it('has the words of every prompt in Cantonese, Taishanese and Mandarin', () => {
    for (const id of PROMPT_IDS) {
      for (const language of PROMPT_LANGUAGES)
        expect(PROMPTS[id].words[language].length, `${id}.${language}`).toBeGreaterThan(4);
    }
    for (const kind of CAMPAIGN_KINDS) expect(PROMPT_IDS).toContain(`campaign.${kind}`);
  });

  it('names the service and the village committee, never an elder (a recording is made once for all)', () => {
    for (const language of PROMPT_LANGUAGES) {
      expect(PROMPTS.checkIn.words[language]).toContain('安心平安回访');
      expect(PROMPTS.checkIn.words[language]).toMatch(/村.*委会/);
    }
    for (const id of PROMPT_IDS) {
      for (const language of PROMPT_LANGUAGES) expect(PROMPTS[id].words[language]).not.toMatch(/\{|\$|name/);
    }
  });

  it('asks for 1, 2 and 0 in every language of every prompt that starts a check-in', () => {
    for (const id of PROMPT_IDS.filter((p) => p === 'checkIn' || p.startsWith('campaign.'))) {
      expect(PROMPTS[id].words.cmn).toMatch(/按1.*按2.*按0/);
      expect(PROMPTS[id].words.yue).toMatch(/按一字.*按二字.*按零字/);
      expect(PROMPTS[id].words.tws).toMatch(/按一字.*按二字.*按零字/);
    }
  });
});

describe('the recording that plays for an elder', () => {
  it('plays Taishanese recordings to a Taishanese-speaking elder', () => {
    const r = recordingFor({ language: 'tws' }, 'checkIn', 'aliyun', everything);
    expect(r).toMatchObject({
      language: 'tws',
      file: 'anxin-checkIn-tws.wav',
      audioId: 'ali-anxin-checkIn-tws.wav',
      fallback: false,
    });
    expect(r.words).toBe(PROMPTS.checkIn.words.tws);
  });

  it('falls back from Taishanese to Cantonese, then Mandarin, when a recording is not configured, and says so', () => {
    const onlyCantonese: AudioIds = { aliyun: { 'checkIn.yue': 'y', 'checkIn.cmn': 'c' } };
    expect(recordingFor({ language: 'tws' }, 'checkIn', 'aliyun', onlyCantonese)).toMatchObject({
      language: 'yue',
      audioId: 'y',
      fallback: true,
    });
    expect(
      recordingFor({ language: 'tws' }, 'checkIn', 'aliyun', { aliyun: { 'checkIn.cmn': 'c' } }),
    ).toMatchObject({
      language: 'cmn',
      fallback: true,
    });
    expect(recordingFor({ language: 'cmn' }, 'checkIn', 'tencent', everything)).toMatchObject({
      audioId: undefined,
    });
  });

  it("shows the simulator the elder's own recording when no carrier is named", () => {
    expect(recordingFor({ language: 'tws' }, 'help')).toMatchObject({
      language: 'tws',
      file: 'anxin-help-tws.wav',
      fallback: false,
    });
  });

  it('gives an IvrCall its start, 1/2/0 menu and goodbye in the elder language, a campaign its own start', () => {
    const prompts = ivrCallPrompts({ language: 'tws' }, 'aliyun', everything, 'typhoon');
    expect(prompts).toEqual({
      startCode: 'ali-anxin-campaign-typhoon-tws.wav',
      menu: {
        '1': 'ali-anxin-safe-tws.wav',
        '2': 'ali-anxin-help-tws.wav',
        '0': 'ali-anxin-campaign-typhoon-tws.wav',
      },
      byeCode: 'ali-anxin-noInput-tws.wav',
      language: 'tws',
    });
    const request = buildIvrCall({
      to: '+8613800130001',
      showNumber: '075712340000',
      ...prompts,
      playTimes: 2,
      timeoutMs: 8000,
      outId: outIdFor('x'),
    });
    expect(request.MenuKeyMap.map((m) => m.Key)).toEqual(['1', '2', '0']);
    expect(() => ivrCallPrompts({ language: 'yue' }, 'tencent', everything)).toThrow(/no tencent audio id/);
  });
});

describe('the register speaks Taishanese', () => {
  it('has the language tws, read from 台山话 / 台山 in a county sheet', () => {
    expect(LANGUAGES).toContain('tws');
    for (const cell of ['台山话', '台山', 'tws']) {
      const read = readCell('language', cell, '语言', policy);
      expect(read?.ok && read.value, cell).toBe('tws');
    }
  });

  it('speaks Cantonese to a Taishanese speaker where only text-to-speech exists (the global profile)', () => {
    expect(spokenLanguage('tws')).toBe('yue');
    expect(spokenLanguage('cmn')).toBe('cmn');
  });
});

describe('docs/prompts.md', () => {
  it('lists every prompt with its words in all three languages, as the manifest has them', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/prompts.md', import.meta.url), 'utf-8');
    for (const id of PROMPT_IDS) {
      expect(doc).toContain(`\`${id}\``);
      for (const language of PROMPT_LANGUAGES)
        expect(doc, `${id}.${language}`).toContain(PROMPTS[id].words[language]);
    }
  });
});
