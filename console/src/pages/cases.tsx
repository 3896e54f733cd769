/** Cases: the list by status, and a case with its ladder, timeline, acknowledgement and closure. */
import { Button, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, getJson, postJson, qs } from '../api.js';
import { dateTime } from '../format.js';
import { type MessageKey, t } from '../i18n.js';
import { CASE_STATUSES, CLOSURES } from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import type { Me } from '../session.js';
import {
  AlertBox,
  announce,
  Badge,
  DataTable,
  ErrorLine,
  errorText,
  Facts,
  Field,
  Heading,
  Loading,
  Section,
  type Tone,
  useApi,
  useFormErrors,
  useTitle,
} from '../ui.js';
import { Options } from './elder-bits.js';

interface CaseStep {
  n: number;
  level: number;
  to: string;
  role: string;
  channel: string;
  at: string;
  status: string;
  acknowledgedAt?: string;
}

interface CaseItem {
  id: string;
  elderId: string;
  county: string;
  township: string;
  reason: 'noResponse' | 'needsHelp';
  /** the campaign whose check-in opened the case */
  campaignId?: string;
  openedAt: string;
  status: (typeof CASE_STATUSES)[number];
  level: number;
  steps: CaseStep[];
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  closedAt?: string;
  closure?: string;
  closedBy?: string;
  note?: string;
  timeline: { at: string; event: string; detail?: string }[];
  elder?: { id: string; name: string; region: { county: string; township: string; village: string } };
}

/**
 * The title of a campaign that opened cases, each read once (GET /api/campaigns/{id}). A campaign
 * the user may not see (another county's: 404; a township operator reads no campaign: 403) or that
 * cannot be read now has no title: the case then names no campaign.
 */
const asked = new Map<string, Promise<string | undefined>>();
function campaignTitle(me: Me, id: string | undefined): Promise<string | undefined> {
  // campaigns are the administrators' (a township operator's request would only be refused)
  if (!id || me.principal.role === 'townshipOperator') return Promise.resolve(undefined);
  let title = asked.get(id);
  if (!title) {
    title = getJson<{ title: string }>(`/api/campaigns/${encodeURIComponent(id)}`).then(
      (c) => c.title,
      (error: unknown) => {
        // not seeing it is an answer; anything else (the network) is asked again next time
        if (!(error instanceof ApiError && (error.status === 404 || error.status === 403))) asked.delete(id);
        return undefined;
      },
    );
    asked.set(id, title);
  }
  return title;
}

export const caseTone = (s: string): Tone => (s === 'open' ? 'bad' : s === 'acknowledged' ? 'warn' : 'ok');
export function CaseBadge({ status }: { status: string }) {
  return <Badge text={t(`caseStatus.${status}` as MessageKey)} tone={caseTone(status)} />;
}

export function CaseListPage({ me }: PageProps) {
  useTitle(t('cases.title'));
  const [county, setCounty] = useState(me.principal.county ?? '');
  const [status, setStatus] = useState('open');
  const list = useApi<{ items: CaseItem[] }>(`/api/cases${qs({ county, status })}`);
  const [titles, setTitles] = useState<Map<string, string | undefined>>();
  useEffect(() => {
    if (!list.data) return;
    let gone = false;
    const ids = [...new Set(list.data.items.flatMap((c) => (c.campaignId ? [c.campaignId] : [])))];
    void Promise.all(ids.map(async (k) => [k, await campaignTitle(me, k)] as const)).then((pairs) => {
      if (!gone) setTitles(new Map(pairs));
    });
    return () => {
      gone = true;
    };
  }, [list.data, me]);
  return (
    <>
      <Heading>{t('cases.title')}</Heading>
      <Form layout="vertical" className="filters" aria-label={t('cases.filter')}>
        <Field label={t('field.county')}>
          {(p) => (
            <select {...p} name="county" value={county} onChange={(e) => setCounty(e.target.value)}>
              <Options
                options={[
                  ...(me.counties.length > 1 ? [{ value: '', label: t('common.allCounties') }] : []),
                  ...me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
                ]}
              />
            </select>
          )}
        </Field>
        <Field label={t('field.status')}>
          {(p) => (
            <select {...p} name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <Options
                options={[
                  { value: '', label: t('cases.allStatuses') },
                  ...CASE_STATUSES.map((s) => ({ value: s, label: t(`caseStatus.${s}`) })),
                ]}
              />
            </select>
          )}
        </Field>
      </Form>
      {list.error !== undefined && !list.loading ? (
        <ErrorLine error={list.error} />
      ) : !list.data || list.loading || !titles ? (
        <Loading />
      ) : (
        <CaseTable me={me} items={list.data.items} titles={titles} />
      )}
    </>
  );
}

function CaseTable({
  me,
  items,
  titles,
}: {
  me: Me;
  items: CaseItem[];
  titles: Map<string, string | undefined>;
}) {
  const campaignOf = (c: CaseItem) => (c.campaignId ? titles.get(c.campaignId) : undefined);
  // a row has one link, to its case: the campaign is named in it (its page links to the campaign)
  const campaignColumn = items.some((c) => campaignOf(c) !== undefined)
    ? [{ key: 'cases.campaign' as const, cell: (c: CaseItem) => campaignOf(c) ?? '—' }]
    : [];
  return (
    <>
      <p role="status">{t('cases.count', { n: items.length })}</p>
      <DataTable
        caption={t('cases.caption')}
        rowKey={(c) => c.id}
        columns={[
          {
            key: 'col.openedAt',
            cell: (c) => <a href={`#/cases/${c.id}`}>{dateTime(c.openedAt)}</a>,
            rowHeader: true,
          },
          { key: 'col.reason', cell: (c) => t(`caseReason.${c.reason}` as MessageKey) },
          { key: 'col.county', cell: (c) => countyName(me, c.county) },
          { key: 'col.township', cell: (c) => c.township },
          { key: 'col.level', cell: (c) => String(c.level), numeric: true },
          { key: 'col.status', cell: (c) => <CaseBadge status={c.status} /> },
          ...campaignColumn,
        ]}
        rows={items}
        empty="cases.none"
      />
    </>
  );
}

export function CaseDetailPage({ me, params }: PageProps) {
  const id = params[0] as string;
  const loaded = useApi<CaseItem>(`/api/cases/${id}`);
  const [c, setCase] = useState<CaseItem>();
  const [title, setTitle] = useState<string | undefined | null>(null);
  useEffect(() => {
    if (!loaded.data) return;
    setCase(loaded.data);
    void campaignTitle(me, loaded.data.campaignId).then(setTitle);
  }, [loaded.data, me]);
  if (loaded.error !== undefined) throw loaded.error;
  if (!c || title === null) return <Loading />;
  return (
    <CaseView
      me={me}
      c={c}
      campaignTitle={title}
      onChange={(next) => setCase({ ...next, ...(c.elder ? { elder: c.elder } : {}) })}
    />
  );
}

function CaseView({
  me,
  c,
  campaignTitle,
  onChange,
}: {
  me: Me;
  c: CaseItem;
  campaignTitle: string | undefined;
  onChange: (c: CaseItem) => void;
}) {
  const title = t('cases.detailTitle', {
    reason: t(`caseReason.${c.reason}` as MessageKey),
    at: dateTime(c.openedAt),
  });
  useTitle(title);
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const acknowledge = async () => {
    setBusy(true);
    try {
      onChange(await postJson<CaseItem>(`/api/cases/${c.id}/acknowledge`));
      announce(t('cases.acknowledged'));
      setAlert(undefined);
    } catch (error) {
      setAlert(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p className="crumbs">
        <a href="#/cases">{t('cases.back')}</a>
      </p>
      <Heading>{title}</Heading>
      <AlertBox text={alert} />
      <Facts
        pairs={[
          ['col.status', <CaseBadge key="s" status={c.status} />],
          [
            'col.elder',
            c.elder ? (
              <a key="e" href={`#/elders/${c.elder.id}`}>
                {c.elder.name}
              </a>
            ) : (
              <a key="e" href={`#/elders/${c.elderId}`}>
                {t('cases.elderProfile')}
              </a>
            ),
          ],
          ['col.county', countyName(me, c.county)],
          ['col.township', c.township],
          ['col.level', String(c.level)],
          ['col.openedAt', dateTime(c.openedAt)],
          ...(c.campaignId && campaignTitle !== undefined
            ? ([
                [
                  'cases.campaign',
                  <a key="c" href={`#/campaigns/${c.campaignId}`}>
                    {campaignTitle}
                  </a>,
                ],
              ] as [MessageKey, JSX.Element][])
            : []),
          [
            'cases.ackAt',
            c.acknowledgedAt ? `${dateTime(c.acknowledgedAt)}（${c.acknowledgedBy ?? ''}）` : '—',
          ],
          ['cases.closedAt', c.closedAt ? `${dateTime(c.closedAt)}（${c.closedBy ?? ''}）` : '—'],
          ['cases.closure', c.closure ? t(`closure.${c.closure}` as MessageKey) : '—'],
          ['cases.note', c.note ?? '—'],
        ]}
      />
      <div className="actions">
        {c.status === 'open' ? (
          <Button type="primary" disabled={busy} onClick={() => void acknowledge()}>
            {t('cases.acknowledge')}
          </Button>
        ) : null}
      </div>
      <Section title={t('cases.steps')}>
        <DataTable
          caption={t('cases.stepsCaption')}
          columns={[
            { key: 'col.level', cell: (s) => String(s.level), rowHeader: true, numeric: true },
            { key: 'col.role', cell: (s) => t(`stepRole.${s.role}` as MessageKey) },
            { key: 'col.channel', cell: (s) => t(`channel.${s.channel}` as MessageKey) },
            { key: 'col.phone', cell: (s) => s.to },
            { key: 'col.time', cell: (s) => dateTime(s.at) },
            { key: 'col.status', cell: (s) => t(`stepStatus.${s.status}` as MessageKey) },
            {
              key: 'cases.ackAt',
              cell: (s) => (s.acknowledgedAt ? <Badge text={dateTime(s.acknowledgedAt)} tone="ok" /> : '—'),
            },
          ]}
          rows={c.steps}
          empty="cases.noSteps"
        />
      </Section>
      <Section title={t('cases.timeline')}>
        <ol className="timeline">
          {c.timeline.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the timeline only grows
            <li key={i}>
              <time dateTime={e.at}>{dateTime(e.at)}</time> {t(`caseEvent.${e.event}` as MessageKey)}
            </li>
          ))}
        </ol>
      </Section>
      {c.status !== 'closed' ? <CloseForm id={c.id} onClosed={onChange} /> : null}
    </>
  );
}

function CloseForm({ id, onClosed }: { id: string; onClosed: (c: CaseItem) => void }) {
  const [closure, setClosure] = useState<string>('reachedWell');
  const [note, setNote] = useState('');
  const [alert, setAlert] = useState<string>();
  const fe = useFormErrors();
  const submit = async () => {
    fe.clear();
    try {
      const body = { closure, ...(note.trim() ? { note: note.trim() } : {}) };
      onClosed(await postJson<CaseItem>(`/api/cases/${id}/close`, body));
      announce(t('cases.closed'));
    } catch (error) {
      setAlert(fe.show(error));
    }
  };
  return (
    <fe.Provider>
      <Form layout="vertical" className="card" aria-labelledby="cs-close" onFinish={submit}>
        <h2 id="cs-close">{t('cases.close')}</h2>
        <AlertBox text={alert} />
        <Field label={t('cases.closure')} path="closure" required>
          {(p) => (
            <select {...p} name="closure" value={closure} onChange={(e) => setClosure(e.target.value)}>
              <Options options={CLOSURES.map((k) => ({ value: k, label: t(`closure.${k}`) }))} />
            </select>
          )}
        </Field>
        <Field label={t('cases.note')} path="note" hint={t('cases.noteHint')}>
          {(p) => (
            <Input.TextArea
              {...p}
              name="note"
              rows={3}
              maxLength={500}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          )}
        </Field>
        <Button htmlType="submit">{t('cases.closeSubmit')}</Button>
      </Form>
    </fe.Provider>
  );
}
