import * as z from 'zod';
import { FESTIVALS, type Festival, festivalTemplates } from '../campaigns/festivals.js';
import type { Carrier } from './outcome.js';
import { carrierSmsParts } from './rules.js';

/**
 * The template catalogue (issue 12, part 4): every text Anxin sends, as the reviewed template it goes
 * out as on the domestic carriers, so no free text is sent where the carriers require templates.
 *
 * A template is fixed words with named variables (`{name}` here; Alibaba registers them as `${name}`,
 * see `aliyunBody`; Tencent numbers them {1}, {2}, … in the order of `variables`, see `tencentBody`). The county registers each body with each carrier under the
 * signature 安心 and configures the ids it gets back (`TemplateIds`). `toTemplateSend` checks the values
 * against the carrier's rules before anything is sent.
 *
 * Texts that differ from the global profile's (shared/phone/texts.ts, shared/homevisits/):
 * - the ladder text carries no phone number: Alibaba's notification templates allow only an
 *   organisation's own fixed, 400 or 95 numbers (https://help.aliyun.com/document_detail/463270.htm), so
 *   the contact finds the elder's number in their list;
 * - the digests carry counts, not the list or a signed link: a link may not be a variable on either
 *   carrier, and a list of names is a full-variable text;
 * - a campaign's text is its kind's reviewed template (with the festivals' fixed texts), not the
 *   administrator's free words.
 */

export const SIGNATURE_NAME = '安心';

export interface TextTemplate {
  /** the template's body without the 【signature】, variables as {name} */
  body: string;
  /** the variables in the order Tencent numbers them */
  variables: readonly string[];
  /** what it is for, for the reviewer (模板申请说明) */
  purpose: string;
}

const t = (body: string, purpose: string): TextTemplate => ({
  body,
  variables: [...body.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  purpose,
});

const festivalBodies = Object.fromEntries(
  festivalTemplates(2026).map((f) => [
    `festival.${f.id}`,
    t(f.messages.text.replace(/^【[^】]+】/, ''), `${f.name.zh}前的节日关怀与安全提示`),
  ]),
) as Record<`festival.${Festival}`, TextTemplate>;

const campaignBody = (advice: string) => `{name}您好，${advice}平安回访：平安请回复1，需要帮助请回复2。`;

export const TEXT_TEMPLATES = {
  checkIn: t('{name}您好，平安回访：平安请回复1，需要帮助请回复2。', '特殊困难老年人平安回访（短信）'),
  caseNeedsHelp: t(
    '{village}{name}按键求助，请尽快联系或上门。收到请回复{code}',
    '老人求助时通知探访联系人和家属',
  ),
  caseNoAnswer: t(
    '{village}{name}今日回访未应答，请尽快联系或上门。收到请回复{code}',
    '老人多次未应答时通知探访联系人和家属',
  ),
  ackConfirm: t('已确认由您跟进个案{code}，谢谢。', '确认联系人已接手跟进'),
  caseClosed: t('{name}已回复平安，个案{code}已关闭，谢谢。', '老人回复平安后告知联系人'),
  replyHelp: t('平安请回复1，需要帮助请回复2，退订短信回复TD。', '老人回复无法识别时的说明'),
  optOutConfirm: t('已退订短信回访，电话回访照常。', '确认老人退订短信回访'),
  optOutNotice: t('{village}{name}已退订短信回访，请跟进了解情况。', '告知联系人老人已退订'),
  visitRecorded: t('已记录:{name}({village}){answer}。', '确认联系人短信记录的上门探访'),
  visitNotPaired: t('代码{code}不是您结对的老人,未记录。请核对短信中的代码。', '联系人回复的代码有误'),
  contactDigest: t(
    '您今天有{visits}位老人需上门探访（其中{overdue}位已逾期），{followUps}项跟进待办，请按名单上门。',
    '每日提醒探访联系人上门探访',
  ),
  supervisorDigest: t(
    '{township}有{total}位老人上门探访逾期超过3天，请督促跟进。',
    '提醒乡镇（街道）督促逾期探访',
  ),
  'campaign.typhoon': t(
    campaignBody('台风将至，请关好门窗，备好食水和电筒，不要外出。'),
    '台风前的安全提示与平安回访',
  ),
  'campaign.rainstorm': t(
    campaignBody('暴雨将至，请远离低洼和河边，不要外出。'),
    '暴雨前的安全提示与平安回访',
  ),
  'campaign.heat': t(campaignBody('天气炎热，请多喝水，少出门，注意防暑。'), '高温时的安全提示与平安回访'),
  'campaign.cold': t(campaignBody('天气寒冷，请添衣保暖，用电取暖注意安全。'), '寒潮时的安全提示与平安回访'),
  'campaign.publicHealth': t(
    campaignBody('请注意个人防护，按时吃药，有不适及时就医。'),
    '公共卫生事件时的提示与平安回访',
  ),
  'campaign.other': t(campaignBody('请注意安全。'), '其他情况下的平安回访'),
  ...festivalBodies,
} satisfies Record<string, TextTemplate>;

export type TextKind = keyof typeof TEXT_TEMPLATES;
export const TEXT_KINDS = Object.keys(TEXT_TEMPLATES) as TextKind[];
export const FESTIVAL_KINDS = FESTIVALS.map((f) => `festival.${f}` as const);

/** The ids the carriers gave each registered template, per carrier (configuration). */
export const TemplateIds = z.partialRecord(
  z.enum(['aliyun', 'tencent']),
  z.record(z.string(), z.string().min(1)),
);
export type TemplateIds = z.infer<typeof TemplateIds>;

/** What a carrier checks in a template's values. */
export interface TemplateLimits {
  /** most characters in one variable's value (Alibaba notification templates: 35) */
  maxValueLength: number | undefined;
  /** the whole text, signature and values included */
  maxTextLength: number;
}

/**
 * Alibaba: 1 to 35 characters per variable of a notification template, 500 in all; Tencent: no per-variable
 * limit for an enterprise account (12 for an individual one), 500 in all
 * (https://cloud.tencent.com/document/product/382/39023).
 */
export const TEMPLATE_LIMITS: Record<Carrier, TemplateLimits> = {
  aliyun: { maxValueLength: 35, maxTextLength: 500 },
  tencent: { maxValueLength: undefined, maxTextLength: 500 },
};

/**
 * Characters neither carrier accepts in a value: 【】 (mistaken for a signature), the symbols both list as
 * turning into garbage (¥ ★ ※ ☞ ✓ ① …), and links (neither lets a variable carry a link).
 */
const FORBIDDEN_IN_VALUE = /[【】[\]¥★※☞✓√『』「」〖〗①-⑳→•]|https?:\/\/|www\./i;

export class TemplateViolation extends Error {
  override readonly name = 'TemplateViolation';
  constructor(
    readonly carrier: Carrier,
    readonly kind: TextKind,
    readonly problems: readonly string[],
  ) {
    super(`${carrier} template ${kind}: ${problems.join('; ')}`);
  }
}

export interface TemplateSend {
  carrier: Carrier;
  kind: TextKind;
  templateId: string;
  /** Alibaba's TemplateParam (an object) or Tencent's TemplateParamSet (in variable order) */
  params: Record<string, string> | string[];
  /** the text the callee reads, signature included */
  text: string;
  /** SMS parts the carrier bills */
  parts: number;
}

/** The text a template gives with these values, signature first. */
export function renderTemplate(kind: TextKind, values: Record<string, string>): string {
  const body = TEXT_TEMPLATES[kind].body.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  return `【${SIGNATURE_NAME}】${body}`;
}

/**
 * The send for one text: the configured template id and the values in the carrier's form, after every
 * check the carrier would make. Throws a TemplateViolation listing all problems (no id configured, a
 * missing or unknown variable, a value too long or with a forbidden character, a text too long).
 *
 * @example toTemplateSend('aliyun', 'checkIn', { name: '陈伯' }, { aliyun: { checkIn: 'SMS_1' } })
 *   // { templateId: 'SMS_1', params: { name: '陈伯' }, text: '【安心】陈伯您好，平安回访：…', parts: 1, … }
 */
export function toTemplateSend(
  carrier: Carrier,
  kind: TextKind,
  values: Record<string, string>,
  ids: TemplateIds,
  limits: TemplateLimits = TEMPLATE_LIMITS[carrier],
): TemplateSend {
  const template = TEXT_TEMPLATES[kind];
  const problems: string[] = [];
  const templateId = ids[carrier]?.[kind];
  if (!templateId) problems.push(`no ${carrier} template id configured for ${kind}`);
  for (const name of template.variables) {
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      problems.push(`${name} is missing`);
      continue;
    }
    if (limits.maxValueLength !== undefined && [...value].length > limits.maxValueLength) {
      problems.push(`${name} is longer than ${limits.maxValueLength} characters`);
    }
    if (FORBIDDEN_IN_VALUE.test(value))
      problems.push(`${name} holds a character or link the carrier refuses`);
  }
  for (const name of Object.keys(values)) {
    if (!template.variables.includes(name)) problems.push(`${name} is not a variable of ${kind}`);
  }
  const text = renderTemplate(kind, values);
  if ([...text].length > limits.maxTextLength)
    problems.push(`the text is longer than ${limits.maxTextLength} characters`);
  if (problems.length > 0) throw new TemplateViolation(carrier, kind, problems);
  const params =
    carrier === 'aliyun'
      ? Object.fromEntries(template.variables.map((name) => [name, values[name] as string]))
      : template.variables.map((name) => values[name] as string);
  return { carrier, kind, templateId: templateId as string, params, text, parts: carrierSmsParts(text) };
}

/** The body as Alibaba registers it: variables as ${name}. */
export function aliyunBody(kind: TextKind): string {
  return TEXT_TEMPLATES[kind].body.replace(/\{(\w+)\}/g, (_, name: string) => `$\{${name}}`);
}

/** The body as Tencent registers it: variables numbered {1}, {2}, … in order. */
export function tencentBody(kind: TextKind): string {
  const { body, variables } = TEXT_TEMPLATES[kind];
  return body.replace(/\{(\w+)\}/g, (_, name: string) => `{${variables.indexOf(name) + 1}}`);
}

/**
 * Checks a county's template configuration at start-up: every kind has an id for the carriers it uses,
 * and no template body holds what the carriers refuse in fixed text (【】, a full-variable body).
 * Returns the problems; an empty list means the configuration is complete.
 */
export function checkTemplateCatalogue(ids: TemplateIds, carriers: readonly Carrier[]): string[] {
  const problems: string[] = [];
  for (const kind of TEXT_KINDS) {
    const { body } = TEXT_TEMPLATES[kind];
    if (/[【】]/.test(body)) problems.push(`${kind}: the body holds 【】`);
    if (body.replace(/\{\w+\}/g, '').trim() === '') problems.push(`${kind}: the body is all variables`);
    for (const carrier of carriers) {
      if (!ids[carrier]?.[kind]) problems.push(`${kind}: no ${carrier} template id`);
    }
  }
  return problems;
}
