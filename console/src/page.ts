/** What a page gets: who is logged in and its path parameters; helpers shared by the pages. */
import { useEffect, useRef } from 'react';
import { lang } from './i18n.js';
import type { Me } from './session.js';

export interface PageProps {
  me: Me;
  /** the path's parameters (ids only: nothing personal is ever in the URL) */
  params: string[];
}

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

/** Runs `tick` every `ms` while the component is shown (the first run now); stops when it goes. */
export function useEvery(ms: number, tick: (signal: AbortSignal) => Promise<void>): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (abort.signal.aborted) return;
      try {
        await latest.current(abort.signal);
      } finally {
        if (!abort.signal.aborted) timer = setTimeout(run, ms);
      }
    };
    void run();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [ms]);
}
