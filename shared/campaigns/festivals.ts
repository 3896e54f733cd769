// lunar-typescript (6tail, MIT): the typed ESM edition of lunar-javascript, the most used Chinese
// lunar-calendar library on npm; no dependencies, no install scripts, works offline (computes the
// calendar, no look-ups), and converts lunar to Gregorian dates for every year we need (1900-2100).
import { Lunar } from 'lunar-typescript';
import { addDaysIso, type IsoDate } from '../time.js';

/**
 * Festival templates (issue 5, section 3): the traditional festivals on which the plan asks for more
 * visits with safety, self-rescue and health messages. Each one is a lunar-calendar date; its
 * Gregorian date changes every year and is computed here, ready to schedule as a 'festival' campaign.
 */

export const FESTIVALS = ['springFestival', 'lantern', 'dragonBoat', 'midAutumn', 'doubleNinth'] as const;
export type Festival = (typeof FESTIVALS)[number];

/** Years whose festival dates we compute and test. */
export const FESTIVAL_YEARS = { min: 1900, max: 2100 } as const;

/** Days before the festival that the suggested campaign window starts. */
export const WINDOW_DAYS_BEFORE = 3;

interface FestivalDefinition {
  name: { zh: string; en: string };
  /** Month and day in the lunar calendar (never a leap month). */
  lunar: { month: number; day: number };
  /** The SMS text: written Chinese, 【安心】 signature included, at most 70 characters. */
  text: string;
  /** One spoken line per language, before the check-in prompt; plain text, not SSML. */
  script: { yue: string; cmn: string };
}

const SIGNATURE = '【安心】';
/** One SMS part of Chinese text on mainland carriers. */
export const MAX_TEXT_LENGTH = 70;

const DEFINITIONS: Record<Festival, FestivalDefinition> = {
  springFestival: {
    name: { zh: '春节', en: 'Spring Festival' },
    lunar: { month: 1, day: 1 },
    text: `${SIGNATURE}新春快乐！过年用火用电要注意安全，出门关好煤气和电器，烟花爆竹远离家门。有需要请打电话给村（居）委会。`,
    script: {
      yue: '新年快乐！过年用火用电要小心，出门记得熄火熄电器，烟花炮仗要离远啲。',
      cmn: '新春快乐！过年用火用电要注意安全，出门记得关好煤气和电器，烟花爆竹要远离。',
    },
  },
  lantern: {
    name: { zh: '元宵节', en: 'Lantern Festival' },
    lunar: { month: 1, day: 15 },
    text: `${SIGNATURE}元宵节快乐！点灯笼、放烟花要防火，人多的地方慢慢走。汤圆要小口吃，防止噎着。`,
    script: {
      yue: '元宵节快乐！点灯笼要小心火烛，食汤圆要细啖慢慢食，人多嘅地方慢慢行。',
      cmn: '元宵节快乐！点灯笼要小心防火，吃汤圆要小口慢慢吃，人多的地方慢慢走。',
    },
  },
  dragonBoat: {
    name: { zh: '端午节', en: 'Dragon Boat Festival' },
    lunar: { month: 5, day: 5 },
    text: `${SIGNATURE}端午安康！天气炎热，请多喝水、少出门，注意防暑；看龙舟不要靠近水边，防止溺水。`,
    script: {
      yue: '端午安康！天气好热，记得多饮水，少啲出街；睇龙舟唔好行近水边，小心跌落水。',
      cmn: '端午安康！天气炎热，记得多喝水，少出门；看龙舟不要靠近水边，小心落水。',
    },
  },
  midAutumn: {
    name: { zh: '中秋节', en: 'Mid-Autumn Festival' },
    lunar: { month: 8, day: 15 },
    text: `${SIGNATURE}中秋快乐！月饼又甜又油，请适量吃，血糖高、血压高的要节制；按时吃药，早点休息。`,
    script: {
      yue: '中秋快乐！月饼好甜好油，食少少就够；有糖尿病、高血压要节制，记得按时食药。',
      cmn: '中秋快乐！月饼又甜又油，少吃一点；有糖尿病、高血压要节制，记得按时吃药。',
    },
  },
  doubleNinth: {
    name: { zh: '重阳节', en: 'Double Ninth Festival' },
    lunar: { month: 9, day: 9 },
    text: `${SIGNATURE}重阳节快乐！登高出游请结伴慢行，穿防滑鞋，注意防跌倒；天气转凉，注意添衣保暖。`,
    script: {
      yue: '重阳节快乐！去登高要有人陪，慢慢行，小心跌亲；天气转凉，记得着多件衫。',
      cmn: '重阳节快乐！去登高要有人陪，慢慢走，小心摔倒；天气转凉，记得多穿件衣服。',
    },
  },
};

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < FESTIVAL_YEARS.min || year > FESTIVAL_YEARS.max) {
    throw new RangeError(
      `festival year must be an integer from ${FESTIVAL_YEARS.min} to ${FESTIVAL_YEARS.max}: ${year}`,
    );
  }
}

/**
 * The Gregorian date (YYYY-MM-DD, China's calendar) of a festival in the lunar year that begins in
 * `year`: every one of these festivals falls in the same Gregorian year as that lunar new year.
 * @example festivalDate('doubleNinth', 2025) // '2025-10-29'
 */
export function festivalDate(festival: Festival, year: number): IsoDate {
  assertYear(year);
  const { month, day } = DEFINITIONS[festival].lunar;
  return Lunar.fromYmd(year, month, day).getSolar().toYmd();
}

export interface FestivalTemplate {
  id: Festival;
  name: { zh: string; en: string };
  /** The festival day. */
  date: IsoDate;
  /** Suggested campaign window, both days included: a few days before through the festival day. */
  window: { start: IsoDate; end: IsoDate };
  kind: 'festival';
  messages: {
    /** SMS text, at most MAX_TEXT_LENGTH characters, signature included. */
    text: string;
    /** Spoken line per language (Cantonese first: the everyday language in Jiangmen). */
    script: { yue: string; cmn: string };
  };
}

/** The five festival templates of a year, in calendar order. */
export function festivalTemplates(year: number): FestivalTemplate[] {
  return FESTIVALS.map((id) => {
    const { name, text, script } = DEFINITIONS[id];
    const date = festivalDate(id, year);
    return {
      id,
      name: { ...name },
      date,
      window: { start: addDaysIso(date, -WINDOW_DAYS_BEFORE), end: date },
      kind: 'festival',
      messages: { text, script: { ...script } },
    };
  });
}
