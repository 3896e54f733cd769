/** What a page gets: where to draw, its path parameters, who is logged in, and when it is left. */

import { lang } from './i18n.js';
import type { Me } from './session.js';

export interface PageContext {
  main: HTMLElement;
  /** the path's parameters (ids only: nothing personal is ever in the URL) */
  params: string[];
  me: Me;
  /** aborted when the user leaves the page: stops polling and pending requests */
  signal: AbortSignal;
  /** sets the document title (the page heading) */
  title: (text: string) => void;
}

export type Page = (ctx: PageContext) => Promise<void>;

/** A county's name in the current language, from the counties the principal sees. */
export function countyName(me: Me, code: string | null | undefined): string {
  if (!code) return '—';
  const c = me.counties.find((x) => x.code === code);
  return c ? (lang() === 'zh' ? c.zh : c.en) : code;
}

/** The county a page starts on: the principal's own, else the first one they see. */
export function defaultCounty(me: Me): string {
  return me.principal.county ?? me.counties[0]?.code ?? '';
}

/** Runs `tick` every `ms` until the page is left (the first run now). */
export function every(signal: AbortSignal, ms: number, tick: () => Promise<void>): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    if (signal.aborted) return;
    try {
      await tick();
    } finally {
      if (!signal.aborted) timer = setTimeout(run, ms);
    }
  };
  signal.addEventListener('abort', () => clearTimeout(timer));
  void run();
}
