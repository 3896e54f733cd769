/**
 * Dashboard: this month's visit rate by county (by township for a county's staff) as a bar chart with
 * the same figures in a table, the open cases, and today's calls and outcomes.
 */
import { useMemo } from 'react';
import { qs } from '../api.js';
import { Chart } from '../chart.js';
import { serverNow } from '../clock.js';
import { integer, monthOf, percent, todayIn } from '../format.js';
import { lang, t } from '../i18n.js';
import { DAY_STATS_FIELDS, figuresOf } from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import { Badge, DataTable, Figures, Heading, Section, Show, useApi, useTitle } from '../ui.js';

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

type Rate = { label: string; rate: number | null; served: number; met: number; notReached: number };

function RateChart({ rows, title }: { rows: Rate[]; title: string }) {
  const option = useMemo(
    () => ({
      grid: { left: 150, right: 60, top: 10, bottom: 30 },
      xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${v * 100}%` } },
      yAxis: { type: 'category', data: rows.map((r) => r.label), inverse: true },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => ({
            value: r.rate ?? 0,
            // below 90%: a lighter bar with a dashed border, not told by colour alone
            itemStyle:
              r.rate !== null && r.rate < 0.9
                ? { color: '#9cc3ea', borderColor: '#0b5cad', borderType: 'dashed', borderWidth: 2 }
                : { color: '#0b5cad' },
          })),
          label: {
            show: true,
            position: 'right',
            formatter: (p: { dataIndex: number }) => percent(rows[p.dataIndex]?.rate),
          },
        },
      ],
    }),
    [rows],
  );
  return <Chart option={option} label={title} height={rows.length * 36 + 50} />;
}

export function DashboardPage({ me }: PageProps) {
  useTitle(t('dash.title'));
  const month = monthOf(serverNow());
  const own = me.principal.role === 'cityAdmin' ? undefined : me.principal.county;
  const rate = useApi<MonthlyJson>(`/api/reports/monthly${qs({ month, county: own })}`);
  const cases = useApi<{ items: { id: string; county: string }[] }>(
    `/api/cases${qs({ status: 'open', county: own })}`,
  );
  const today = useApi<{ date?: string; counties?: Record<string, unknown> }>(
    `/api/stats/today${qs({ county: own })}`,
  );
  const n = (v: number) => integer(v, lang());
  return (
    <>
      <Heading>{t('dash.title')}</Heading>
      <div className="grid">
        <Section title={t('dash.cases')}>
          <Show loaded={cases}>
            {({ items }) => {
              const byCounty = new Map<string, number>();
              for (const c of items) byCounty.set(c.county, (byCounty.get(c.county) ?? 0) + 1);
              return (
                <>
                  <p className="big">
                    {items.length > 0 ? (
                      <Badge text={t('dash.openCount', { n: items.length })} tone="bad" />
                    ) : (
                      <Badge text={t('dash.noOpen')} tone="ok" />
                    )}
                  </p>
                  {byCounty.size > 1 ? (
                    <ul>
                      {[...byCounty].map(([c, k]) => (
                        <li key={c}>{`${countyName(me, c)}：${n(k)}`}</li>
                      ))}
                    </ul>
                  ) : null}
                  <p>
                    <a href="#/cases">{t('dash.toCases')}</a>
                  </p>
                </>
              );
            }}
          </Show>
        </Section>
        <Section title={t('dash.today', { date: today.data?.date ?? todayIn(serverNow()) })}>
          <Show loaded={today}>
            {(body) => {
              const stats = figuresOf(body, DAY_STATS_FIELDS, ['total']);
              if (!stats) return null;
              const date = body.date ?? todayIn(serverNow());
              const byCounty = Object.entries(body.counties ?? {})
                .map(([county, c]) => ({ county, figures: figuresOf(c, DAY_STATS_FIELDS) }))
                .filter(
                  (r): r is { county: string; figures: Record<(typeof DAY_STATS_FIELDS)[number], number> } =>
                    Boolean(r.figures),
                );
              return (
                <>
                  <Figures pairs={DAY_STATS_FIELDS.map((f) => [t(`stats.${f}`), n(stats[f])])} />
                  {byCounty.length > 1 ? (
                    <DataTable
                      caption={t('dash.todayByCounty', { date })}
                      columns={[
                        { key: 'col.county', cell: (r) => countyName(me, r.county), rowHeader: true },
                        ...DAY_STATS_FIELDS.map((f) => ({
                          key: `stats.${f}` as const,
                          cell: (r: (typeof byCounty)[number]) => n(r.figures[f]),
                          numeric: true,
                        })),
                      ]}
                      rows={byCounty}
                    />
                  ) : null}
                </>
              );
            }}
          </Show>
        </Section>
      </div>
      <Section title={t('dash.rate', { month })}>
        <Show loaded={rate}>
          {(report) => {
            const rows: Rate[] = report.rows.map((r) => ({
              label: r.township ?? (r.county ? countyName(me, r.county) : r.countyName),
              rate: r.visitRate.rate,
              served: r.visitRate.served,
              met: r.visitRate.met,
              notReached: r.notReached,
            }));
            const title = t('dash.chartTitle', { month, total: percent(report.total.visitRate.rate) });
            return (
              <>
                <p>
                  {t('dash.rateTotal', { rate: percent(report.total.visitRate.rate), asOf: report.asOf })}
                </p>
                <figure>
                  <RateChart rows={rows} title={title} />
                  <figcaption>{t('dash.chartCaption')}</figcaption>
                </figure>
                <DataTable
                  caption={t('dash.rateTable', { month })}
                  columns={[
                    { key: own ? 'col.township' : 'col.county', cell: (r) => r.label, rowHeader: true },
                    { key: 'col.served', cell: (r) => n(r.served), numeric: true },
                    { key: 'col.met', cell: (r) => n(r.met), numeric: true },
                    { key: 'col.rate', cell: (r) => percent(r.rate), numeric: true },
                    { key: 'col.notReached', cell: (r) => n(r.notReached), numeric: true },
                  ]}
                  rows={rows}
                />
              </>
            );
          }}
        </Show>
      </Section>
    </>
  );
}
