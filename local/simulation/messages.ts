/**
 * What the simulator tells the scenario author: Simplified Chinese first, then English, in one
 * catalogue (the register's own messages stay in shared/i18n/messages.ts).
 */
export const simulationMessages = {
  'id.format': [
    'id 须为 1–64 个字母、数字、- 或 _，以字母或数字开头',
    'id must be 1-64 letters, digits, - or _, starting with a letter or digit',
  ],
  'start.format': [
    '开始时间须为带时区的 ISO-8601（如 2025-07-01T08:00:00+08:00）',
    'start must be ISO-8601 with an offset (e.g. 2025-07-01T08:00:00+08:00)',
  ],
  'voice.behaviour': [
    '语音行为须为 press-1、press-2、no-answer、busy、answer-silent 之一，或由它们组成的非空列表',
    'voice must be one of press-1, press-2, no-answer, busy, answer-silent, or a non-empty list of them',
  ],
  'homeVisits.behaviour': [
    '上门探访行为须为 visit-on-day、after-digest、never 之一',
    'homeVisits.behaviour must be one of visit-on-day, after-digest, never',
  ],
  'homeVisits.reply': ['回复须为 1、2 或 3', 'reply must be 1, 2 or 3'],
  'homeVisits.dayRequired': [
    'visit-on-day 须给出 day（场景的第几天，从 1 起）',
    'visit-on-day needs day (the day of the scenario, from 1)',
  ],
  'homeVisits.dayOutOfRange': ['day 须在 1 与场景天数之间', 'day must be between 1 and the scenario’s days'],
  'elder.duplicateId': ['老人 id 重复', 'Duplicate elder id'],
  'contact.duplicateId': ['联系人 id 重复', 'Duplicate contact id'],
  'contact.unknown': [
    'contactId 须为本场景 contacts 中的某个 id',
    'contactId must be the id of one of the scenario’s contacts',
  ],
  'phone.duplicate': [
    '该号码已被本场景中另一位老人或联系人使用',
    'This number is already used by another elder or contact of the scenario',
  ],
  'scenario.invalid': ['场景文件有误', 'The scenario is not valid'],
  'scenario.notJson': ['场景文件不是有效的 JSON', 'The scenario file is not valid JSON'],
  'scenario.unreadable': ['无法读取场景文件', 'The scenario file could not be read'],
  'cli.usage': [
    '用法：npm run simulate -- scenario.json [--out result.json]',
    'usage: npm run simulate -- scenario.json [--out result.json]',
  ],
  'cli.failed': ['模拟运行失败', 'The simulation failed'],
  'cli.systemErrors': [
    '模拟中系统出现错误（见上）',
    'The system raised errors during the simulation (see above)',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type SimulationMessageKey = keyof typeof simulationMessages;

/**
 * The message in Chinese, then English.
 * @example simMsg('elder.duplicateId') // '老人 id 重复 / Duplicate elder id'
 */
export function simMsg(key: SimulationMessageKey): string {
  const [zh, en] = simulationMessages[key];
  return `${zh} / ${en}`;
}
