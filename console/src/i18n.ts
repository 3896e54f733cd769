/** The console's language: Simplified Chinese first, English on request; remembered in localStorage. */
import { fill, type Lang } from './format.js';
import { catalogue, type MessageKey } from './messages.js';

const LANG_KEY = 'anxin.console.lang';
let current: Lang = 'zh';

export function initialLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  current = next;
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    // not remembered, still switched
  }
}

/** The text of a key in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  // a value the API added after this build (a new status) shows as its code rather than breaking the page
  return fill(catalogue[current][key] ?? key, vars);
}

/** True when the catalogue has the key (codes from the API are looked up with it). */
export const hasKey = (k: string): k is MessageKey => Object.hasOwn(catalogue.zh, k);

export type { MessageKey };
