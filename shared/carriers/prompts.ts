import * as z from 'zod';
import type { Carrier } from './outcome.js';

/**
 * The prompt catalogue (issue 12, part 5): what a check-in call plays on the domestic carriers, which
 * offer no Cantonese or Taishanese text-to-speech, so every prompt is a recording. Each prompt has its
 * words in Cantonese (`yue`), Taishanese (`tws`) and Mandarin (`cmn`) and a file to record; the carrier
 * gives each uploaded file an audio id, kept in configuration (`AudioIds`).
 *
 * A recording is made once for everyone, so it cannot say the elder's name or village: the prompt names
 * the service (安心平安回访) and the village (residents') committee that asked for it instead. The
 * Taishanese lines are reading scripts in Cantonese characters: the speaker who records them says them in
 * Taishanese and adjusts the words; what plays is the recording. docs/prompts.md lists all of them.
 */

export const PROMPT_LANGUAGES = ['yue', 'tws', 'cmn'] as const;
export type PromptLanguage = (typeof PROMPT_LANGUAGES)[number];

export interface Prompt {
  /** what it is for, and when it plays */
  use: string;
  words: Record<PromptLanguage, string>;
}

const keys = {
  yue: '你平安，请按一字；需要帮手，请按二字；再听一次，请按零字。',
  tws: '你平安，请按一字；要人帮手，请按二字；再听一次，请按零字。',
  cmn: '您平安，请按1；需要帮助，请按2；再听一遍，请按0。',
};

const campaign = (yue: string, tws: string, cmn: string, use: string): Prompt => ({
  use,
  words: {
    yue: `你好，呢度係安心平安回访，村委会请我哋问候你。${yue}${keys.yue}`,
    tws: `你好，呢度係安心平安回访，村委会请我哋问候你。${tws}${keys.tws}`,
    cmn: `您好，这里是安心平安回访，村（居）委会委托我们问候您。${cmn}${keys.cmn}`,
  },
});

export const PROMPTS = {
  checkIn: {
    use: 'the start of a check-in call (IvrCall StartCode), and again on key 0',
    words: {
      yue: `你好，呢度係安心平安回访，村委会请我哋问候你。${keys.yue}`,
      tws: `你好，呢度係安心平安回访，村委会请我哋问候你。${keys.tws}`,
      cmn: `您好，这里是安心平安回访，村（居）委会委托我们问候您。${keys.cmn}`,
    },
  },
  safe: {
    use: 'after key 1',
    words: {
      yue: '收到，你平安就好。多谢，再见。',
      tws: '收到，你平安就好。多谢，再见。',
      cmn: '收到，您平安就好。谢谢，再见。',
    },
  },
  help: {
    use: 'after key 2: help is on its way',
    words: {
      yue: '收到，我哋而家通知联系人同家人嚟帮你。请保持电话畅通。',
      tws: '收到，我哋即刻叫联系人同屋企人来帮你。电话唔好关机。',
      cmn: '收到，我们马上通知联系人和家人来帮您。请保持电话畅通。',
    },
  },
  noInput: {
    use: 'the goodbye when no key came (IvrCall ByeCode)',
    words: {
      yue: '冇收到按键，我哋稍后再打俾你。再见。',
      tws: '冇收到按键，我哋等阵再打俾你。再见。',
      cmn: '没有收到按键，我们稍后再给您打电话。再见。',
    },
  },
  notifyHelp: {
    use: 'a ladder call to a contact or relative: an elder asked for help (Mandarin and the dialects alike)',
    words: {
      yue: '你好，呢度係安心平安回访。你关心嘅老人家按键求助，请尽快联系佢或者上门。确认跟进，请按一字。',
      tws: '你好，呢度係安心平安回访。你关心嘅老人家按键求助，请快啲联系佢或者上门。确认跟进，请按一字。',
      cmn: '您好，这里是安心平安回访。您关心的老人按键求助，请尽快联系或上门。确认跟进，请按1。',
    },
  },
  notifyNoAnswer: {
    use: 'a ladder call to a contact or relative: an elder did not answer today',
    words: {
      yue: '你好，呢度係安心平安回访。你关心嘅老人家今日冇应答，请尽快联系佢或者上门。确认跟进，请按一字。',
      tws: '你好，呢度係安心平安回访。你关心嘅老人家今日冇应，请快啲联系佢或者上门。确认跟进，请按一字。',
      cmn: '您好，这里是安心平安回访。您关心的老人今日回访未应答，请尽快联系或上门。确认跟进，请按1。',
    },
  },
  notifyThanks: {
    use: 'after a contact pressed 1 on a ladder call',
    words: {
      yue: '已确认，多谢你跟进。再见。',
      tws: '已确认，多谢你跟进。再见。',
      cmn: '已确认，谢谢您跟进。再见。',
    },
  },
  'campaign.typhoon': campaign(
    '台风就嚟，请关好门窗，备定食水同电筒，唔好出街。',
    '台风就来，门窗关好，备定食水同电筒，唔好出街。',
    '台风将至，请关好门窗，备好食水和电筒，不要外出。',
    'a typhoon campaign: advice, then the keys',
  ),
  'campaign.rainstorm': campaign(
    '暴雨就嚟，请远离低洼地方同河边，唔好出街。',
    '大雨就来，唔好行近低洼地方同河边，唔好出街。',
    '暴雨将至，请远离低洼和河边，不要外出。',
    'a rainstorm campaign',
  ),
  'campaign.heat': campaign(
    '天气好热，记得多饮水，少啲出街。',
    '天时好热，记得多饮水，少啲出街。',
    '天气炎热，请多喝水，少出门，注意防暑。',
    'a heat campaign',
  ),
  'campaign.cold': campaign(
    '天气好冻，记得着多件衫，用电暖炉要小心。',
    '天时好冻，记得着多件衫，用电暖炉要小心。',
    '天气寒冷，请添衣保暖，用电取暖注意安全。',
    'a cold-weather campaign',
  ),
  'campaign.publicHealth': campaign(
    '请注意防护，按时食药，唔舒服要及早睇医生。',
    '请注意防护，按时食药，唔舒服要早啲睇医生。',
    '请注意个人防护，按时吃药，有不适及时就医。',
    'a public-health campaign',
  ),
  'campaign.festival': campaign(
    '节日快乐！用火用电要小心，出门记得熄火熄电器。',
    '节日快乐！用火用电要小心，出门记得熄火熄电器。',
    '节日快乐！用火用电注意安全，出门记得关好煤气和电器。',
    'a festival campaign (one greeting for all festivals: a recording cannot follow the calendar)',
  ),
  'campaign.other': campaign('请注意安全。', '请注意安全。', '请注意安全。', 'any other campaign'),
} satisfies Record<string, Prompt>;

export type PromptId = keyof typeof PROMPTS;
export const PROMPT_IDS = Object.keys(PROMPTS) as PromptId[];

/** The file to record and upload for a prompt in a language (the carriers take WAV or MP3). */
export const recordingFile = (prompt: PromptId, language: PromptLanguage) =>
  `anxin-${prompt.replace('.', '-')}-${language}.wav`;

/** The audio id each carrier gave each uploaded file, keyed `prompt.language` (configuration). */
export const AudioIds = z.partialRecord(
  z.enum(['aliyun', 'tencent']),
  z.record(z.string(), z.string().min(1)),
);
export type AudioIds = z.infer<typeof AudioIds>;

export interface Recording {
  prompt: PromptId;
  /** the language that plays; not the elder's when their recording is missing (see `fallback`) */
  language: PromptLanguage;
  file: string;
  /** the carrier's id for it; undefined when none is configured (the local simulator plays the words) */
  audioId: string | undefined;
  words: string;
  /** true when the elder's own language was not recorded or not configured and another plays */
  fallback: boolean;
}

/** Languages to try for an elder, in order: theirs, then the nearest one (Taishanese → Cantonese), then Mandarin. */
const FALLBACKS: Record<PromptLanguage, PromptLanguage[]> = {
  tws: ['tws', 'yue', 'cmn'],
  yue: ['yue', 'cmn'],
  cmn: ['cmn'],
};

/**
 * The recording that plays for an elder: their language when the carrier has it, else the nearest.
 * Without a carrier (the local simulator) the elder's own language plays.
 *
 * @example recordingFor({ language: 'tws' }, 'checkIn', 'aliyun', { aliyun: { 'checkIn.tws': 'a1.wav' } })
 *   // { prompt: 'checkIn', language: 'tws', file: 'anxin-checkIn-tws.wav', audioId: 'a1.wav', fallback: false, … }
 */
export function recordingFor(
  elder: { language: PromptLanguage },
  prompt: PromptId,
  carrier?: Carrier,
  ids: AudioIds = {},
): Recording {
  const configured = carrier ? ids[carrier] : undefined;
  const language =
    carrier === undefined
      ? elder.language
      : (FALLBACKS[elder.language].find((l) => configured?.[`${prompt}.${l}`]) ?? elder.language);
  return {
    prompt,
    language,
    file: recordingFile(prompt, language),
    audioId: configured?.[`${prompt}.${language}`],
    words: PROMPTS[prompt].words[language],
    fallback: language !== elder.language,
  };
}

/**
 * The recordings of one check-in call on Alibaba's IvrCall: the start (the campaign's when there is one),
 * key 1 → safe, key 2 → help, key 0 → the start again, and the goodbye when no key came. Throws when a
 * recording has no audio id in any language: an IvrCall without one would be refused.
 */
export function ivrCallPrompts(
  elder: { language: PromptLanguage },
  carrier: Carrier,
  ids: AudioIds,
  campaignKind?: string,
): {
  startCode: string;
  menu: { '1': string; '2': string; '0': string };
  byeCode: string;
  language: PromptLanguage;
} {
  const start: PromptId =
    campaignKind && `campaign.${campaignKind}` in PROMPTS
      ? (`campaign.${campaignKind}` as PromptId)
      : 'checkIn';
  const code = (prompt: PromptId) => {
    const r = recordingFor(elder, prompt, carrier, ids);
    if (!r.audioId) throw new Error(`no ${carrier} audio id for ${prompt} in any language`);
    return r;
  };
  const first = code(start);
  return {
    startCode: first.audioId as string,
    menu: {
      '1': code('safe').audioId as string,
      '2': code('help').audioId as string,
      '0': first.audioId as string,
    },
    byeCode: code('noInput').audioId as string,
    language: first.language,
  };
}
