/** Shared pieces of every page: fields, tables, status badges, the live and alert regions, errors. */
import { ApiError, type FieldError } from './api.js';
import { type Child, h, nextId, replace } from './dom.js';
import { pickLanguage } from './format.js';
import { lang, type MessageKey, t } from './i18n.js';

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

/** An alert box (role=alert) that shows errors or is empty. */
export function alertBox(): HTMLDivElement {
  return h('div', { class: 'alert', role: 'alert', hidden: true });
}

export function showAlert(box: HTMLElement, text: string | undefined): void {
  if (!text) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  replace(box, h('span', { class: 'icon', 'aria-hidden': 'true' }, '⚠'), ' ', text);
  box.hidden = false;
}

/** A labelled field; `path` is the API path of its errors (e.g. "messages.text"). */
export function field(
  labelKey: MessageKey,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  options: { path?: string; hint?: Child; required?: boolean } = {},
): HTMLDivElement {
  if (!control.id) control.id = nextId();
  if (options.path) control.dataset.path = options.path;
  if (options.required) control.required = true;
  const hint = options.hint ? h('div', { class: 'hint', id: nextId('hint') }, options.hint) : null;
  if (hint) control.setAttribute('aria-describedby', hint.id);
  return h(
    'div',
    { class: 'field' },
    h(
      'label',
      { for: control.id },
      t(labelKey),
      options.required ? h('span', { 'aria-hidden': 'true' }, ' *') : null,
    ),
    control,
    hint,
  );
}

export function input(attrs: Record<string, string | number | boolean | undefined> = {}): HTMLInputElement {
  return h('input', { type: 'text', ...attrs });
}

export function select(
  options: readonly { value: string; label: string }[],
  value?: string,
  attrs: Record<string, string | boolean> = {},
): HTMLSelectElement {
  const el = h('select', attrs, ...options.map((o) => h('option', { value: o.value }, o.label)));
  if (value !== undefined) el.value = value;
  return el;
}

export function button(
  labelKey: MessageKey,
  onClick: (event: Event) => void,
  attrs: Record<string, string | boolean> = {},
): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs, onclick: onClick as EventListener }, t(labelKey));
}

/** Clears the errors a previous submit put next to the fields of `form`. */
export function clearErrors(form: HTMLElement): void {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const described = el
      .getAttribute('aria-describedby')
      ?.split(' ')
      .filter((id) => !id.startsWith('err-'));
    if (described?.length) el.setAttribute('aria-describedby', described.join(' '));
    else el.removeAttribute('aria-describedby');
  }
}

function controlFor(form: HTMLElement, path: string): HTMLElement | undefined {
  // the exact path, else its nearest parent ("messages.call.yue" → "messages.call" → "messages")
  const parts = path.replace(/^(body|query)\./, '').split('.');
  while (parts.length > 0) {
    const p = parts.join('.');
    const el = [...form.querySelectorAll<HTMLElement>('[data-path]')].find((c) => c.dataset.path === p);
    if (el) return el;
    parts.pop();
  }
  return undefined;
}

/**
 * Puts each API error next to the field of its path (aria-invalid, described by the message) and the
 * rest in the alert box; focuses the first field in error.
 */
export function showErrors(form: HTMLElement, box: HTMLElement, error: unknown): void {
  clearErrors(form);
  const errors: FieldError[] = error instanceof ApiError ? error.errors : [];
  const rest: string[] = [];
  let first: HTMLElement | undefined;
  for (const e of errors) {
    const control = e.path ? controlFor(form, e.path) : undefined;
    const text = pickLanguage(e.message, lang());
    if (!control) {
      rest.push(text);
      continue;
    }
    const id = nextId('err');
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute(
      'aria-describedby',
      [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '),
    );
    control.insertAdjacentElement('afterend', h('p', { class: 'field-error', id }, t('error.prefix'), text));
    first ??= control;
  }
  if (errors.length === 0) rest.push(errorText(error));
  showAlert(box, rest.length > 0 ? rest.join('；') : t('error.fields'));
  first?.focus();
}

export interface Column<T> {
  key: MessageKey;
  cell: (row: T) => Child | Child[];
  /** numbers right-aligned */
  numeric?: boolean;
  /** the row's header cell (th scope=row) */
  rowHeader?: boolean;
}

/** A table with a caption and header cells, in a scroll box that the keyboard can scroll. */
export function table<T>(
  caption: string,
  columns: Column<T>[],
  rows: readonly T[],
  empty?: MessageKey,
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, t(empty ?? 'table.empty'));
  const captionId = nextId('cap');
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
    h(
      'table',
      {},
      h('caption', { id: captionId }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, t(c.key))),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((row) =>
          h(
            'tr',
            {},
            ...columns.map((c) =>
              h(
                c.rowHeader ? 'th' : 'td',
                { scope: c.rowHeader ? 'row' : null, class: c.numeric ? 'num' : null },
                c.cell(row),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';
const ICONS: Record<Tone, string> = { ok: '✓', warn: '!', bad: '✕', info: '●', muted: '–' };

/** A status shown by text and an icon, not by colour alone. */
export function badge(text: string, tone: Tone, icon = ICONS[tone]): HTMLSpanElement {
  return h('span', { class: `badge ${tone}` }, h('span', { 'aria-hidden': 'true' }, icon), ` ${text}`);
}

export function link(href: string, text: Child): HTMLAnchorElement {
  return h('a', { href }, text);
}

/** The page's heading, focused after navigation so screen readers announce the new page. */
export function heading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: -1 }, text);
}

/** A section named by its own h2 (aria-labelledby), so screen readers list it as a region. */
export function section(id: string, title: string, ...children: (Child | Child[])[]): HTMLElement {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** The error shown in place of what failed to load. */
export function errorLine(error: unknown): HTMLParagraphElement {
  return h('p', { class: 'alert', role: 'alert' }, errorText(error));
}

export function loading(): HTMLParagraphElement {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

/** A description list of label → value pairs. */
export function facts(pairs: [MessageKey, Child | Child[]][]): HTMLDListElement {
  return h('dl', { class: 'facts' }, ...pairs.flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
}

/** Key figures as a grid of cards (a description list, each pair in its own group). */
export function figures(pairs: [string, Child | Child[]][]): HTMLDListElement {
  return h(
    'dl',
    { class: 'figures' },
    ...pairs.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
  );
}

/** Saves a Blob under a file name (a download the browser keeps). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: fileName, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
