/**
 * Import: upload a county's CSV or XLSX sheet (POST /api/imports, the file as the body), follow its
 * progress (GET /api/imports/{id}), read the error report by row and download it as CSV.
 */
import { ApiError, getJson, qs, send } from '../api.js';
import { h, replace } from '../dom.js';
import { integer, pickLanguage, toCsv } from '../format.js';
import { lang, t } from '../i18n.js';
import { errorReportRows } from '../logic.js';
import type { Page } from '../page.js';
import {
  alertBox,
  announce,
  badge,
  field,
  figures,
  heading,
  input,
  saveBlob,
  select,
  showAlert,
  showErrors,
  table,
} from '../ui.js';

interface RowError {
  row: number;
  errors: { path: string; column?: string; message: string }[];
}

export interface ImportReport {
  importId: string;
  mode: string;
  format: string;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warnings: string[];
  errors: RowError[];
}

interface ImportJob {
  status: 'running' | 'done' | 'failed';
  processed?: number;
  total?: number;
}

export const importPage: Page = async (ctx) => {
  const { main, signal } = ctx;
  ctx.title(t('import.title'));
  const file = input({
    type: 'file',
    name: 'file',
    accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  });
  const mode = select(
    [
      { value: 'register', label: t('import.mode.register') },
      { value: 'merge', label: t('import.mode.merge') },
    ],
    'register',
    { name: 'mode' },
  );
  const box = alertBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('import.submit'));
  const progress = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('import.progress') });
  const progressText = h('p', { 'aria-live': 'polite', class: 'progress-text' });
  const result = h('div', {});
  const form = h(
    'form',
    { class: 'card' },
    box,
    field('import.file', file, { path: 'file', hint: t('import.fileHint'), required: true }),
    field('import.mode', mode, { path: 'query.mode' }),
    submit,
    progress,
    progressText,
  );
  main.append(heading(t('import.title')), h('p', { class: 'lead' }, t('import.lead')), form, result);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      showAlert(box, t('import.noFile'));
      file.focus();
      return;
    }
    showAlert(box, undefined);
    replace(result);
    const id = crypto.randomUUID();
    submit.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    progressText.textContent = t('import.uploading');
    let finished = false;
    // the import runs inside the upload request; its job record says how far it got meanwhile
    const poll = async () => {
      while (!finished && !signal.aborted) {
        await new Promise((r) => setTimeout(r, 800));
        if (finished) return;
        try {
          const job = await getJson<ImportJob>(`/api/imports/${id}`, signal);
          if (job.total && job.processed !== undefined && !finished) {
            progress.max = job.total;
            progress.value = job.processed;
            progressText.textContent = t('import.processed', { n: job.processed, total: job.total });
          }
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 404) return;
        }
      }
    };
    void poll();
    try {
      const response = await send(
        'POST',
        `/api/imports${qs({ mode: mode.value, id, filename: chosen.name })}`,
        {
          raw: chosen,
          // octet-stream keeps the bytes as they are (a GBK CSV stays GBK); the name tells CSV from XLSX
          headers: { 'content-type': 'application/octet-stream' },
        },
      );
      const report = (await response.json()) as ImportReport;
      finished = true;
      progress.max = 1;
      progress.value = 1;
      progressText.textContent = t('import.done', { total: report.total, failed: report.failed });
      announce(t('import.done', { total: report.total, failed: report.failed }));
      showReport(result, report, chosen.name);
    } catch (error) {
      finished = true;
      progress.hidden = true;
      progressText.textContent = '';
      showErrors(form, box, error);
    } finally {
      submit.disabled = false;
    }
  });
};

function showReport(target: HTMLElement, report: ImportReport, fileName: string): void {
  const n = (v: number) => integer(v, lang());
  const header = [t('col.row'), t('col.column'), t('col.field'), t('col.message')];
  const lines = report.errors.flatMap((r) => r.errors.map((e) => ({ row: r.row, ...e })));
  replace(
    target,
    h(
      'section',
      { 'aria-labelledby': 'imp-result' },
      h('h2', { id: 'imp-result', tabindex: -1 }, t('import.result')),
      figures([
        [t('import.total'), n(report.total)],
        [t('import.created'), n(report.created)],
        [t('import.updated'), n(report.updated)],
        [t('import.unchanged'), n(report.unchanged)],
        [t('import.failed'), report.failed > 0 ? badge(n(report.failed), 'bad') : badge(n(0), 'ok')],
      ]),
      report.warnings.length > 0
        ? h(
            'div',
            { class: 'warnings' },
            h('h3', {}, t('import.warnings')),
            h('ul', {}, ...report.warnings.map((w) => h('li', {}, w))),
          )
        : null,
      report.errors.length > 0
        ? h(
            'div',
            {},
            h('h3', {}, t('import.errors')),
            h(
              'button',
              {
                type: 'button',
                onclick: () =>
                  saveBlob(
                    new Blob([toCsv(errorReportRows(report, header))], { type: 'text/csv;charset=utf-8' }),
                    `${fileName.replace(/\.[^.]+$/, '')}-${t('import.errorFileSuffix')}.csv`,
                  ),
              },
              t('import.download'),
            ),
            table(
              t('import.errorsCaption', { n: report.errors.length }),
              [
                { key: 'col.row', cell: (l) => String(l.row), rowHeader: true, numeric: true },
                { key: 'col.column', cell: (l) => l.column ?? '—' },
                { key: 'col.field', cell: (l) => l.path },
                { key: 'col.message', cell: (l) => pickLanguage(l.message, lang()) },
              ],
              lines,
            ),
          )
        : h('p', {}, badge(t('import.noErrors'), 'ok')),
    ),
  );
  target.querySelector<HTMLElement>('h2')?.focus();
}
