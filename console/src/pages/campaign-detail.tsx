/**
 * A campaign: its preview, the actions its status allows (approve by a second administrator, start,
 * pause, resume, cancel) and its progress, refreshed every few seconds.
 */
import { Button } from 'antd';
import { useEffect, useId, useState } from 'react';
import { getJson, postJson } from '../api.js';
import { serverNow } from '../clock.js';
import { dateTime, integer, smsInfo } from '../format.js';
import { lang, type MessageKey, t } from '../i18n.js';
import { actionsFor, figuresOf, isCreator, PROGRESS_FIELDS } from '../logic.js';
import { countyName, type PageProps, useEvery } from '../page.js';
import type { Me } from '../session.js';
import {
  AlertBox,
  announce,
  Badge,
  DataTable,
  ErrorLine,
  errorText,
  Facts,
  Figures,
  Heading,
  Loading,
  Section,
  useTitle,
} from '../ui.js';
import {
  type Campaign,
  CampaignStatusBadge,
  PROGRESS_EVERY_MS,
  type Preview,
  PreviewView,
  type Progress,
} from './campaigns.js';

const LIVE: readonly string[] = ['scheduled', 'running', 'paused'];

function ProgressView({ p }: { p: Progress }) {
  const n = (v: number) => integer(v, lang());
  const open = Math.max(0, p.casesOpened - p.casesClosed);
  return (
    <Figures
      pairs={[
        [t('progress.started'), n(p.started)],
        [t('progress.well'), <Badge key="w" text={n(p.well)} tone="ok" />],
        [
          t('progress.needsHelp'),
          <Badge key="h" text={n(p.needsHelp)} tone={p.needsHelp > 0 ? 'bad' : 'muted'} />,
        ],
        [
          t('progress.notReached'),
          <Badge key="n" text={n(p.notReached)} tone={p.notReached > 0 ? 'warn' : 'muted'} />,
        ],
        [
          t('progress.casesOpen'),
          <>
            <Badge text={n(open)} tone={open > 0 ? 'bad' : 'muted'} />{' '}
            <small>{t('progress.casesTotal', { opened: n(p.casesOpened), closed: n(p.casesClosed) })}</small>
          </>,
        ],
      ]}
    />
  );
}

export function CampaignDetailPage({ me, params }: PageProps) {
  const id = params[0] as string;
  const [loaded, setLoaded] = useState<{ c: Campaign; preview: { p: Preview } | { error: unknown } }>();
  const [failed, setFailed] = useState<unknown>();
  useEffect(() => {
    const abort = new AbortController();
    // the preview says whether starting needs a second administrator: asked with the campaign, so the
    // actions are drawn once, right
    const preview = getJson<Preview>(`/api/campaigns/${id}/preview`, abort.signal).then(
      (p) => ({ p }),
      (error: unknown) => ({ error }),
    );
    getJson<Campaign>(`/api/campaigns/${id}`, abort.signal).then(
      async (c) => {
        const p = await preview;
        if (!abort.signal.aborted) setLoaded({ c, preview: p });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setFailed(error);
      },
    );
    return () => abort.abort();
  }, [id]);
  if (failed !== undefined) throw failed;
  if (!loaded) return <Loading />;
  return <CampaignView me={me} initial={loaded.c} preview={loaded.preview} />;
}

function CampaignView({
  me,
  initial,
  preview,
}: {
  me: Me;
  initial: Campaign;
  preview: { p: Preview } | { error: unknown };
}) {
  const [c, setC] = useState(initial);
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ p?: Progress; error?: unknown; seen: string }>({ seen: '' });
  const [updated, setUpdated] = useState('');
  const startHintId = useId();
  useTitle(c.title);
  /** true when the audience is over the approval threshold; undefined while the preview is unknown */
  const approvalNeeded = 'p' in preview ? preview.p.needsSecondApproval : undefined;

  const act = async (action: string) => {
    if (action === 'cancel' && !window.confirm(t('campaigns.confirmCancel'))) return;
    setBusy(true);
    try {
      const answer = await postJson<Campaign | { campaign: Campaign }>(`/api/campaigns/${c.id}/${action}`);
      const next = 'campaign' in answer ? answer.campaign : answer;
      setC(next);
      setAlert(undefined);
      announce(t('campaigns.nowStatus', { status: t(`campaignStatus.${next.status}` as MessageKey) }));
    } catch (error) {
      setAlert(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  useEvery(PROGRESS_EVERY_MS, async (signal) => {
    // a draft, a cancelled or a finished campaign does not move: read once, then only while it can
    if (progress.seen && !LIVE.includes(c.status) && c.status !== 'approved') return;
    try {
      const body = await getJson<unknown>(`/api/campaigns/${c.id}/progress`, signal);
      const p = figuresOf(body, PROGRESS_FIELDS, ['progress']);
      // redrawn only when a figure moved, so a screen reader hears changes, not every refresh
      const seen = JSON.stringify(p);
      if (p && seen !== progress.seen) setProgress({ p, seen });
      setUpdated(t('campaigns.updatedAt', { time: dateTime(serverNow().toISOString()).slice(11) }));
      // the status moves by itself (scheduled → running at the window's start, → done at its end)
      if (LIVE.includes(c.status) || c.status === 'approved') {
        const fresh = await getJson<Campaign>(`/api/campaigns/${c.id}`, signal);
        if (fresh.status !== c.status) {
          setC(fresh);
          announce(t('campaigns.nowStatus', { status: t(`campaignStatus.${fresh.status}` as MessageKey) }));
        }
      }
    } catch (error) {
      if (!signal.aborted) setProgress({ error, seen: progress.seen });
    }
  });

  const viewerIsCreator = isCreator(c, me.principal);
  const allowed = me.principal.role === 'townshipOperator' ? [] : actionsFor(c.status, viewerIsCreator);
  // a draft over the approval threshold starts only once another administrator approved it: the
  // start button stays (focusable, aria-disabled, described by the hint next to it) and activating
  // it sends nothing, only says the hint again to a screen reader
  const waiting = c.status === 'draft' && approvalNeeded === true && allowed.includes('start');
  const hint = waiting ? t(viewerIsCreator ? 'campaigns.needsOther' : 'campaigns.needsApproval') : '';
  const target = c.target;
  return (
    <>
      <p className="crumbs">
        <a href="#/campaigns">{t('campaigns.back')}</a>
      </p>
      <Heading>{c.title}</Heading>
      <AlertBox text={alert} />
      <p>
        {t('col.status')}：
        <span>
          <CampaignStatusBadge status={c.status} />
        </span>
      </p>
      <div className="actions">
        {allowed.map((a) => {
          const held = a === 'start' && waiting;
          return (
            <Button
              key={a}
              type={!held && (a === 'approve' || a === 'start') ? 'primary' : 'default'}
              danger={a === 'cancel'}
              disabled={busy && !held}
              {...(held
                ? { 'aria-disabled': 'true', 'aria-describedby': startHintId, className: 'held' }
                : {})}
              onClick={() => {
                if (held) announce(hint);
                else void act(a);
              }}
            >
              {t(`campaigns.action.${a}`)}
            </Button>
          );
        })}
        {waiting ? (
          <p className="hint" id={startHintId}>
            {hint}
          </p>
        ) : null}
      </div>
      <Section title={t('campaigns.progress')}>
        <div aria-live="polite">
          {progress.error !== undefined ? (
            <ErrorLine error={progress.error} />
          ) : progress.p ? (
            <ProgressView p={progress.p} />
          ) : (
            <Loading />
          )}
        </div>
        <p className="hint">{updated}</p>
      </Section>
      <Section title={t('campaigns.definition')}>
        <Facts
          pairs={[
            ['col.kind', t(`kind.${c.kind}` as MessageKey)],
            ['col.window', `${dateTime(c.window.start)} – ${dateTime(c.window.end)}`],
            ['col.counties', target.counties.map((k) => countyName(me, k)).join('、')],
            [
              'campaigns.townships',
              target.townships?.length
                ? target.townships.map((w) => `${countyName(me, w.county)}${w.township}`).join('、')
                : t('campaigns.allTownships'),
            ],
            [
              'campaigns.categoriesCadence',
              target.categories
                .map((k) => `${k}：${t('campaigns.everyHours', { n: c.cadence[k]?.everyHours ?? 0 })}`)
                .join('；'),
            ],
            [
              'campaigns.flags',
              Object.entries(target.flags ?? {})
                .map(([f, v]) => `${t(`flag.${f}` as MessageKey)}：${v ? t('flag.only') : t('flag.exclude')}`)
                .join('；') || t('flag.any'),
            ],
            ['campaigns.yue', c.messages.call.yue],
            ['campaigns.cmn', c.messages.call.cmn],
            ['campaigns.text', `${c.messages.text}（${t('sms.counter', smsInfo(c.messages.text))}）`],
            ['col.createdBy', `${c.createdBy} · ${dateTime(c.createdAt)}`],
            ['campaigns.approvedBy', c.approvedBy ? `${c.approvedBy} · ${dateTime(c.approvedAt)}` : '—'],
            ...(c.alert
              ? ([
                  ['campaigns.alert', `${c.alert.event}（${c.alert.severity}）${c.alert.headline ?? ''}`],
                ] as [MessageKey, string][])
              : []),
          ]}
        />
      </Section>
      <Section title={t('campaigns.previewTitle')}>
        {'p' in preview ? <PreviewView me={me} p={preview.p} /> : <ErrorLine error={preview.error} />}
      </Section>
      <Section title={t('campaigns.history')}>
        <DataTable
          caption={t('campaigns.historyCaption')}
          columns={[
            { key: 'col.time', cell: (x) => dateTime(x.at), rowHeader: true },
            { key: 'col.by', cell: (x) => x.by },
            { key: 'col.from', cell: (x) => (x.from ? t(`campaignStatus.${x.from}` as MessageKey) : '—') },
            { key: 'col.to', cell: (x) => t(`campaignStatus.${x.to}` as MessageKey) },
          ]}
          rows={c.history ?? []}
        />
      </Section>
    </>
  );
}
