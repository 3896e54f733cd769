/**
 * Reports: the monthly statistics report and the open-obligations list, downloaded as JSON, CSV or
 * XLSX as the API serves them; the month's figures shown in the page (visits by mode, remote ones
 * included, the visit rate and the cases) and the open obligations shown by contact.
 */
import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { getJson, qs, send } from '../api.js';
import { serverNow } from '../clock.js';
import { integer, monthOf, percent } from '../format.js';
import { lang, type MessageKey, t } from '../i18n.js';
import { fileNameOf, REPORT_FORMATS } from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import {
  AlertBox,
  announce,
  Badge,
  DataTable,
  Field,
  Heading,
  Loading,
  Section,
  Show,
  saveBlob,
  useApi,
  useFormErrors,
  useTitle,
} from '../ui.js';
import { CategoryBadge, Options } from './elder-bits.js';

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

type Report = 'monthly' | 'open-obligations';

export function ReportsPage({ me }: PageProps) {
  useTitle(t('reports.title'));
  const [month, setMonth] = useState(monthOf(serverNow()));
  const [county, setCounty] = useState(me.principal.county ?? '');
  const [township, setTownship] = useState(me.principal.township ?? '');
  // the figures follow the scope once a field is left (change), not at every key
  const [scope, setScope] = useState({ month, county, township });
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [open, setOpen] = useState<OpenReport | 'loading'>();
  const fe = useFormErrors();
  const params = (format: string, s = scope) => ({
    month: s.month,
    county: s.county,
    township: s.township.trim(),
    format,
  });
  const monthly = useApi<MonthlyReport>(`/api/reports/monthly${qs(params('json'))}`);
  const commit = (patch: Partial<typeof scope>) => setScope({ month, county, township, ...patch });

  const download = async (report: Report, format: string) => {
    setBusy(`${report}-${format}`);
    setAlert(undefined);
    fe.clear();
    try {
      const response = await send(
        'GET',
        `/api/reports/${report}${qs(params(format, { month, county, township }))}`,
      );
      const blob = await response.blob();
      const name = fileNameOf(response.headers.get('content-disposition'), `${report}-${month}.${format}`);
      saveBlob(blob, name);
      announce(t('reports.downloaded', { name }));
    } catch (error) {
      setAlert(fe.show(error));
    } finally {
      setBusy(undefined);
    }
  };
  const buttons = (report: Report, label: MessageKey) => (
    // biome-ignore lint/a11y/useSemanticElements: a group of buttons, named
    <div className="actions" role="group" aria-label={t(label)}>
      {REPORT_FORMATS.map((f) => (
        <Button key={f} disabled={busy === `${report}-${f}`} onClick={() => void download(report, f)}>
          {t(`reports.as.${f}`)}
        </Button>
      ))}
    </div>
  );
  const showOpen = async () => {
    setOpen('loading');
    try {
      setOpen(
        await getJson<OpenReport>(
          `/api/reports/open-obligations${qs(params('json', { month, county, township }))}`,
        ),
      );
    } catch (error) {
      setOpen(undefined);
      setAlert(fe.show(error));
    }
  };

  return (
    <>
      <Heading>{t('reports.title')}</Heading>
      <fe.Provider>
        <Form layout="vertical" className="filters card" aria-label={t('reports.scope')} noValidate>
          <AlertBox text={alert} />
          <Field label={t('field.month')} path="month">
            {(p) => (
              <Input
                {...p}
                type="month"
                name="month"
                value={month}
                onChange={(e) => setMonth(e.target.value)}
                onBlur={(e) => commit({ month: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') commit({ month: (e.target as HTMLInputElement).value });
                }}
              />
            )}
          </Field>
          <Field label={t('field.county')} path="county">
            {(p) => (
              <select
                {...p}
                name="county"
                value={county}
                onChange={(e) => {
                  setCounty(e.target.value);
                  commit({ county: e.target.value });
                }}
              >
                <Options
                  options={[
                    ...(me.principal.role === 'cityAdmin'
                      ? [{ value: '', label: t('reports.wholeCity') }]
                      : []),
                    ...me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
                  ]}
                />
              </select>
            )}
          </Field>
          <Field label={t('reports.township')} path="township" hint={t('reports.townshipHint')}>
            {(p) => (
              <Input
                {...p}
                name="township"
                autoComplete="off"
                value={township}
                onChange={(e) => setTownship(e.target.value)}
                onBlur={(e) => commit({ township: e.target.value })}
              />
            )}
          </Field>
        </Form>
      </fe.Provider>
      <Section title={t('reports.monthly')}>
        <p>{t('reports.monthlyLead')}</p>
        {buttons('monthly', 'reports.monthly')}
        <div aria-busy={monthly.loading}>
          <Show loaded={monthly}>
            {(r) => (monthly.loading ? <Loading /> : <MonthlyView me={me} r={r} />)}
          </Show>
        </div>
      </Section>
      <Section title={t('reports.open')}>
        <p>{t('reports.openLead')}</p>
        {buttons('open-obligations', 'reports.open')}
        <Button type="primary" onClick={() => void showOpen()}>
          {t('reports.showOpen')}
        </Button>
        {open === 'loading' ? <Loading /> : open ? <OpenView r={open} /> : null}
      </Section>
    </>
  );
}

function MonthlyView({ me, r }: { me: PageProps['me']; r: MonthlyReport }) {
  const n = (v: number) => integer(v, lang());
  const scope = r.scope.county
    ? `${countyName(me, r.scope.county)}${r.scope.township ?? ''}`
    : t('reports.wholeCity');
  const area = (x: MonthlyRow) =>
    x === r.total ? t('common.total') : (x.township ?? (x.county ? countyName(me, x.county) : x.countyName));
  return (
    <div>
      <p>{t('reports.monthlyAsOf', { asOf: r.asOf })}</p>
      <DataTable
        caption={t('reports.monthlyCaption', { month: r.month, scope })}
        columns={[
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
        ]}
        rows={[...r.rows, r.total]}
      />
    </div>
  );
}

function OpenView({ r }: { r: OpenReport }) {
  const rows = r.groups.flatMap((g) =>
    g.items.map((i) => ({ ...i, contactName: g.contactName, contactId: g.contactId })),
  );
  return (
    <>
      <p role="status">{t('reports.openCount', { n: r.count, month: r.month })}</p>
      <DataTable
        caption={t('reports.openCaption', { month: r.month })}
        columns={[
          {
            key: 'col.contact',
            cell: (x) =>
              x.contactId ? (
                <a href={`#/contacts/${x.contactId}`}>{x.contactName ?? ''}</a>
              ) : (
                <Badge text={t('profile.unpaired')} tone="warn" />
              ),
          },
          {
            key: 'col.name',
            cell: (x) => <a href={`#/elders/${x.elderId}`}>{x.elderName}</a>,
            rowHeader: true,
          },
          { key: 'col.category', cell: (x) => <CategoryBadge category={x.category} /> },
          { key: 'col.township', cell: (x) => x.township },
          { key: 'col.village', cell: (x) => x.village },
          { key: 'col.obligation', cell: (x) => t(`obligation.${x.kind}` as MessageKey) },
          { key: 'col.dueBy', cell: (x) => x.dueBy },
        ]}
        rows={rows}
        empty="reports.noOpen"
      />
    </>
  );
}
