/**
 * The pieces of a page the console's shell needs before any page is loaded (kept apart from ui.tsx,
 * whose tables and forms would otherwise be part of the first load): the live region, error texts,
 * the page heading and title, loading and error lines.
 */
import Alert from 'antd/es/alert';
import Spin from 'antd/es/spin';
import { type ReactNode, useEffect, useRef } from 'react';
import { ApiError } from './api.js';
import { pickLanguage } from './format.js';
import { lang, t } from './i18n.js';

/** Says something to screen readers (progress, "saved"), politely. */
export function announce(text: string): void {
  const region = document.getElementById('live');
  if (!region) return;
  region.textContent = '';
  // a fresh text node after a tick so the same message is read again
  setTimeout(() => {
    region.textContent = text;
  }, 30);
}

/** The text of an error for a person: the API's messages in the current language, or a generic one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.errors.length > 0) return error.errors.map((e) => pickLanguage(e.message, lang())).join('；');
    if (error.status === 0) return t('error.network');
    if (error.status === 403) return t('error.forbidden');
    if (error.status === 404) return t('error.notFound');
    return t('error.http', { status: error.status });
  }
  return t('error.unexpected');
}

/** After a navigation the new page's heading takes the focus (set by the router, used once). */
const focus = { pending: false };
export const focusNextHeading = (on: boolean) => {
  focus.pending = on;
};

/** The page's heading, focused after a navigation so screen readers announce the new page. */
export function Heading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus.pending && document.activeElement?.closest('main') === null) {
      ref.current?.focus({ preventScroll: true });
    }
    focus.pending = false;
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

/** Sets the document title (a page name, never a person's name: it goes into the history). */
export function useTitle(text: string): void {
  useEffect(() => {
    document.title = `${text} · ${t('app.name')}`;
  }, [text]);
}

export function Loading() {
  return (
    <p className="loading" role="status">
      <Spin size="small" /> {t('common.loading')}
    </p>
  );
}

/** The error shown in place of what failed to load. */
export function ErrorLine({ error }: { error: unknown }) {
  return <Alert className="alert" type="error" showIcon role="alert" message={errorText(error)} />;
}

/** An alert that shows a text, or nothing. */
export function AlertBox({ text, type = 'error' }: { text: string | undefined; type?: 'error' | 'warning' }) {
  if (!text) return null;
  return <Alert className="alert" type={type} showIcon role="alert" message={text} />;
}
