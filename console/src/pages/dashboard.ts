/**
 * Dashboard: this month's visit rate by county (by township for a county's staff) as SVG bars with the
 * same figures in a table, the open cases, and today's calls and outcomes.
 */
import { getJson, qs } from '../api.js';
import { type CapacityAdvice, capacityView } from '../capacity.js';
import { serverNow } from '../clock.js';
import { h, replace, svg } from '../dom.js';
import { integer, monthOf, percent, todayIn } from '../format.js';
import { lang, t } from '../i18n.js';
import { DAY_STATS_FIELDS, figuresOf } from '../logic.js';
import { countyName, type Page } from '../page.js';
import { badge, errorLine, figures, heading, link, loading, section, table } from '../ui.js';

interface RateRow {
  county: string | null;
  countyName: string;
  township: string | null;
  visitRate: { served: number; met: number; rate: number | null };
  notReached: number;
}

interface MonthlyJson {
  month: string;
  asOf: string;
  rows: RateRow[];
  total: RateRow;
}

/** An accessible bar chart: the SVG is one image with a name; the table next to it carries the numbers. */
function rateChart(rows: { label: string; rate: number | null }[], title: string): SVGElement {
  const barH = 26;
  const gap = 10;
  const labelW = 150;
  const width = 640;
  const plotW = width - labelW - 70;
  const height = rows.length * (barH + gap) + 30;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': title,
    class: 'chart',
    preserveAspectRatio: 'xMinYMin meet',
  });
  const text = (x: number, y: number, value: string, anchor = 'start', cls = '') => {
    const el = svg('text', { x, y, 'text-anchor': anchor, class: cls });
    el.textContent = value;
    return el;
  };
  // 0, 50 and 100% guides
  for (const p of [0, 0.5, 1]) {
    const x = labelW + p * plotW;
    chart.append(svg('line', { x1: x, x2: x, y1: 0, y2: height - 24, class: 'guide' }));
    chart.append(text(x, height - 8, `${p * 100}%`, 'middle', 'axis'));
  }
  rows.forEach((row, i) => {
    const y = i * (barH + gap) + 4;
    chart.append(text(labelW - 8, y + barH * 0.7, row.label, 'end'));
    const w = row.rate === null ? 0 : Math.max(1, row.rate * plotW);
    chart.append(
      svg('rect', {
        x: labelW,
        y,
        width: w,
        height: barH,
        class: row.rate !== null && row.rate < 0.9 ? 'bar low' : 'bar',
      }),
    );
    chart.append(text(labelW + w + 6, y + barH * 0.7, percent(row.rate), 'start', 'value'));
  });
  return chart;
}

export const dashboardPage: Page = async (ctx) => {
  const { main, me, signal } = ctx;
  ctx.title(t('dash.title'));
  const month = monthOf(serverNow());
  const rateSection = section('dash-rate', t('dash.rate', { month }), loading());
  const casesSection = section('dash-cases', t('dash.cases'), loading());
  const todaySection = section('dash-today', t('dash.today', { date: todayIn(serverNow()) }), loading());
  // capacity planning (issue 11 part 6): administrators only (GET /api/capacity)
  const admin = me.principal.role === 'cityAdmin' || me.principal.role === 'countyAdmin';
  const capacitySection = section('dash-capacity', t('capacity.title'), loading());
  main.append(
    heading(t('dash.title')),
    h('div', { class: 'grid' }, casesSection, todaySection),
    admin ? capacitySection : '',
    rateSection,
  );

  const own = me.principal.role === 'cityAdmin' ? undefined : me.principal.county;
  const rate = async () => {
    try {
      const report = await getJson<MonthlyJson>(`/api/reports/monthly${qs({ month, county: own })}`, signal);
      const rows = report.rows.map((r) => ({
        label: r.township ?? (r.county ? countyName(me, r.county) : r.countyName),
        rate: r.visitRate.rate,
        served: r.visitRate.served,
        met: r.visitRate.met,
        notReached: r.notReached,
      }));
      const title = t('dash.chartTitle', { month, total: percent(report.total.visitRate.rate) });
      replace(
        rateSection,
        h('h2', { id: 'dash-rate' }, t('dash.rate', { month })),
        h('p', {}, t('dash.rateTotal', { rate: percent(report.total.visitRate.rate), asOf: report.asOf })),
        h('figure', {}, rateChart(rows, title), h('figcaption', {}, t('dash.chartCaption'))),
        table(
          t('dash.rateTable', { month }),
          [
            { key: own ? 'col.township' : 'col.county', cell: (r) => r.label, rowHeader: true },
            { key: 'col.served', cell: (r) => integer(r.served, lang()), numeric: true },
            { key: 'col.met', cell: (r) => integer(r.met, lang()), numeric: true },
            { key: 'col.rate', cell: (r) => percent(r.rate), numeric: true },
            { key: 'col.notReached', cell: (r) => integer(r.notReached, lang()), numeric: true },
          ],
          rows,
        ),
      );
    } catch (error) {
      if (signal.aborted) return;
      replace(rateSection, h('h2', { id: 'dash-rate' }, t('dash.rate', { month })), errorLine(error));
    }
  };

  const cases = async () => {
    try {
      const { items } = await getJson<{ items: { id: string; county: string }[] }>(
        `/api/cases${qs({ status: 'open', county: own })}`,
        signal,
      );
      const byCounty = new Map<string, number>();
      for (const c of items) byCounty.set(c.county, (byCounty.get(c.county) ?? 0) + 1);
      replace(
        casesSection,
        h('h2', { id: 'dash-cases' }, t('dash.cases')),
        h(
          'p',
          { class: 'big' },
          items.length > 0
            ? badge(t('dash.openCount', { n: items.length }), 'bad')
            : badge(t('dash.noOpen'), 'ok'),
        ),
        byCounty.size > 1
          ? h(
              'ul',
              {},
              ...[...byCounty].map(([c, n]) => h('li', {}, `${countyName(me, c)}：${integer(n, lang())}`)),
            )
          : null,
        h('p', {}, link('#/cases', t('dash.toCases'))),
      );
    } catch (error) {
      if (signal.aborted) return;
      replace(casesSection, h('h2', { id: 'dash-cases' }, t('dash.cases')), errorLine(error));
    }
  };

  const today = async () => {
    let date = todayIn(serverNow());
    try {
      const body = await getJson<{ date?: string; counties?: Record<string, unknown> }>(
        `/api/stats/today${qs({ county: own })}`,
        signal,
      );
      const stats = figuresOf(body, DAY_STATS_FIELDS, ['total']);
      if (!stats) throw new Error('unexpected stats');
      // the server's date (its clock may be set for a demo)
      date = body.date ?? date;
      const byCounty = Object.entries(body.counties ?? {})
        .map(([county, c]) => ({ county, figures: figuresOf(c, DAY_STATS_FIELDS) }))
        .filter((r): r is { county: string; figures: Record<(typeof DAY_STATS_FIELDS)[number], number> } =>
          Boolean(r.figures),
        );
      replace(
        todaySection,
        h('h2', { id: 'dash-today' }, t('dash.today', { date })),
        figures(DAY_STATS_FIELDS.map((f) => [t(`stats.${f}`), integer(stats[f], lang())])),
        byCounty.length > 1
          ? table(
              t('dash.todayByCounty', { date }),
              [
                { key: 'col.county', cell: (r) => countyName(me, r.county), rowHeader: true },
                ...DAY_STATS_FIELDS.map((f) => ({
                  key: `stats.${f}` as const,
                  cell: (r: (typeof byCounty)[number]) => integer(r.figures[f], lang()),
                  numeric: true,
                })),
              ],
              byCounty,
            )
          : '',
      );
    } catch (error) {
      if (signal.aborted) return;
      replace(todaySection, h('h2', { id: 'dash-today' }, t('dash.today', { date })), errorLine(error));
    }
  };

  const capacity = async () => {
    if (!admin) return;
    try {
      const advice = await getJson<CapacityAdvice>(`/api/capacity${qs({ county: own })}`, signal);
      replace(capacitySection, h('h2', { id: 'dash-capacity' }, t('capacity.title')), capacityView(advice));
    } catch (error) {
      if (signal.aborted) return;
      replace(capacitySection, h('h2', { id: 'dash-capacity' }, t('capacity.title')), errorLine(error));
    }
  };

  await Promise.all([rate(), cases(), today(), capacity()]);
};
