/**
 * Reports: the monthly statistics report and the open-obligations list, downloaded as JSON, CSV or
 * XLSX as the API serves them; the month's figures shown in the page (visits by mode, remote ones
 * included, the visit rate and the cases) and the open obligations shown by contact.
 */
import { getJson, qs, send } from '../api.js';
import { serverNow } from '../clock.js';
import { h, replace } from '../dom.js';
import { integer, monthOf, percent } from '../format.js';
import { lang, type MessageKey, t } from '../i18n.js';
import { fileNameOf, REPORT_FORMATS } from '../logic.js';
import { countyName, type Page } from '../page.js';
import {
  alertBox,
  announce,
  badge,
  errorLine,
  field,
  heading,
  input,
  link,
  loading,
  saveBlob,
  section,
  select,
  showAlert,
  showErrors,
  table,
} from '../ui.js';
import { categoryBadge } from './register.js';

/** One row of GET /api/reports/monthly (shared/reports/monthly.ts MonthlyRow): what the page shows of it. */
interface MonthlyRow {
  county: string | null;
  countyName: string;
  township: string | null;
  elders: number;
  visits: { home: number; phone: number; video: number; automated: number };
  visitRate: { served: number; met: number; rate: number | null };
  casesOpened: number;
  casesClosed: number;
  notReached: number;
}

interface MonthlyReport {
  month: string;
  scope: { county: string | null; countyName: string; township: string | null };
  /** the day counted up to (YYYY-MM-DD) */
  asOf: string;
  rows: MonthlyRow[];
  total: MonthlyRow;
}

interface OpenReport {
  month: string;
  count: number;
  groups: {
    contactId: string | null;
    contactName: string | null;
    items: {
      elderId: string;
      elderName: string;
      township: string;
      village: string;
      category: string;
      kind: string;
      dueBy: string;
    }[];
  }[];
}

export const reportsPage: Page = async (ctx) => {
  const { main, me, signal } = ctx;
  ctx.title(t('reports.title'));
  const month = input({ type: 'month', name: 'month', value: monthOf(serverNow()), required: true });
  const county = select(
    [
      ...(me.principal.role === 'cityAdmin' ? [{ value: '', label: t('reports.wholeCity') }] : []),
      ...me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
    ],
    me.principal.county ?? '',
    { name: 'county' },
  );
  const township = input({ name: 'township', autocomplete: 'off', value: me.principal.township ?? '' });
  const box = alertBox();
  const form = h(
    'form',
    { class: 'filters card', 'aria-label': t('reports.scope'), novalidate: true },
    box,
    field('field.month', month, { path: 'month' }),
    field('field.county', county, { path: 'county' }),
    field('reports.township', township, { path: 'township', hint: t('reports.townshipHint') }),
  );

  const params = (format: string) => ({
    month: month.value,
    county: county.value,
    township: township.value.trim(),
    format,
  });
  const download = async (
    report: 'monthly' | 'open-obligations',
    format: string,
    button: HTMLButtonElement,
  ) => {
    button.disabled = true;
    showAlert(box, undefined);
    try {
      const response = await send('GET', `/api/reports/${report}${qs(params(format))}`, { signal });
      const blob = await response.blob();
      const name = fileNameOf(
        response.headers.get('content-disposition'),
        `${report}-${month.value}.${format}`,
      );
      saveBlob(blob, name);
      announce(t('reports.downloaded', { name }));
    } catch (error) {
      if (!signal.aborted) showErrors(form, box, error);
    } finally {
      button.disabled = false;
    }
  };
  const buttons = (report: 'monthly' | 'open-obligations', label: MessageKey) =>
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': t(label) },
      ...REPORT_FORMATS.map((f) => {
        const b = h('button', { type: 'button' }, t(`reports.as.${f}`));
        b.addEventListener('click', () => void download(report, f, b));
        return b;
      }),
    );

  // the month's figures in the page, for the scope chosen; redrawn when the scope changes, newest answer only
  const monthlyBox = h('div', { 'aria-busy': 'false' });
  let asked = 0;
  const showMonthly = async () => {
    const mine = ++asked;
    monthlyBox.setAttribute('aria-busy', 'true');
    replace(monthlyBox, loading());
    try {
      const r = await getJson<MonthlyReport>(`/api/reports/monthly${qs(params('json'))}`, signal);
      if (mine !== asked || signal.aborted) return;
      replace(monthlyBox, monthlyView(r));
    } catch (error) {
      if (mine !== asked || signal.aborted) return;
      replace(monthlyBox, errorLine(error));
    } finally {
      if (mine === asked) monthlyBox.setAttribute('aria-busy', 'false');
    }
  };
  const monthlyView = (r: MonthlyReport) => {
    const n = (v: number) => integer(v, lang());
    const scope = r.scope.county
      ? `${countyName(me, r.scope.county)}${r.scope.township ?? ''}`
      : t('reports.wholeCity');
    const area = (x: MonthlyRow) =>
      x === r.total
        ? t('common.total')
        : (x.township ?? (x.county ? countyName(me, x.county) : x.countyName));
    return h(
      'div',
      {},
      h('p', {}, t('reports.monthlyAsOf', { asOf: r.asOf })),
      table(
        t('reports.monthlyCaption', { month: r.month, scope }),
        [
          { key: 'reports.col.area', cell: area, rowHeader: true },
          { key: 'reports.col.elders', cell: (x) => n(x.elders), numeric: true },
          { key: 'col.served', cell: (x) => n(x.visitRate.served), numeric: true },
          { key: 'reports.col.home', cell: (x) => n(x.visits.home), numeric: true },
          { key: 'reports.col.phone', cell: (x) => n(x.visits.phone), numeric: true },
          { key: 'reports.col.video', cell: (x) => n(x.visits.video), numeric: true },
          { key: 'reports.col.automated', cell: (x) => n(x.visits.automated), numeric: true },
          { key: 'col.rate', cell: (x) => percent(x.visitRate.rate), numeric: true },
          { key: 'reports.col.casesOpened', cell: (x) => n(x.casesOpened), numeric: true },
          { key: 'reports.col.casesClosed', cell: (x) => n(x.casesClosed), numeric: true },
          { key: 'col.notReached', cell: (x) => n(x.notReached), numeric: true },
        ],
        [...r.rows, r.total],
      ),
    );
  };
  for (const el of [month, county, township]) el.addEventListener('change', () => void showMonthly());

  const openBox = h('div', {});
  const showOpen = h('button', { type: 'button', class: 'primary' }, t('reports.showOpen'));
  showOpen.addEventListener('click', async () => {
    replace(openBox, loading());
    try {
      const r = await getJson<OpenReport>(`/api/reports/open-obligations${qs(params('json'))}`, signal);
      const rows = r.groups.flatMap((g) =>
        g.items.map((i) => ({ ...i, contactName: g.contactName, contactId: g.contactId })),
      );
      replace(
        openBox,
        h('p', { role: 'status' }, t('reports.openCount', { n: r.count, month: r.month })),
        table(
          t('reports.openCaption', { month: r.month }),
          [
            {
              key: 'col.contact',
              cell: (x) =>
                x.contactId
                  ? link(`#/contacts/${x.contactId}`, x.contactName ?? '')
                  : badge(t('profile.unpaired'), 'warn'),
            },
            { key: 'col.name', cell: (x) => link(`#/elders/${x.elderId}`, x.elderName), rowHeader: true },
            { key: 'col.category', cell: (x) => categoryBadge(x.category) },
            { key: 'col.township', cell: (x) => x.township },
            { key: 'col.village', cell: (x) => x.village },
            { key: 'col.obligation', cell: (x) => t(`obligation.${x.kind}` as MessageKey) },
            { key: 'col.dueBy', cell: (x) => x.dueBy },
          ],
          rows,
          'reports.noOpen',
        ),
      );
    } catch (error) {
      if (!signal.aborted) {
        replace(openBox);
        showErrors(form, box, error);
      }
    }
  });

  main.append(
    heading(t('reports.title')),
    form,
    section(
      'r-monthly',
      t('reports.monthly'),
      h('p', {}, t('reports.monthlyLead')),
      buttons('monthly', 'reports.monthly'),
      monthlyBox,
    ),
    section(
      'r-open',
      t('reports.open'),
      h('p', {}, t('reports.openLead')),
      buttons('open-obligations', 'reports.open'),
      showOpen,
      openBox,
    ),
  );
  await showMonthly();
};
