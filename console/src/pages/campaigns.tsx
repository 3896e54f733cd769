/**
 * Campaigns: the list, and what the new and detail pages share: the campaign's shape, its status tag
 * and the preview as a person reads it (the audience by county and category, what is sent, how long).
 */

import { Button } from 'antd';
import { dateTime, duration, integer, warningText } from '../format.js';
import { lang, type MessageKey, t } from '../i18n.js';
import type {
  CAMPAIGN_FLAGS,
  CAMPAIGN_KINDS,
  CAMPAIGN_STATUSES,
  Category,
  PROGRESS_FIELDS,
} from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import type { Me } from '../session.js';
import { Badge, DataTable, Figures, Heading, Show, type Tone, useApi, useTitle } from '../ui.js';

/** how often the monitor reads the progress */
export const PROGRESS_EVERY_MS = 4000;

export type Status = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignBody {
  title: string;
  kind: (typeof CAMPAIGN_KINDS)[number];
  source?: 'manual' | 'festival';
  target: {
    counties: string[];
    townships?: { county: string; township: string }[];
    categories: Category[];
    flags?: Partial<Record<(typeof CAMPAIGN_FLAGS)[number], boolean>>;
  };
  window: { start: string; end: string };
  cadence: Partial<Record<Category, { everyHours: number }>>;
  messages: { call: { yue: string; cmn: string }; text: string };
}

export type Progress = Record<(typeof PROGRESS_FIELDS)[number], number>;

export interface Campaign extends CampaignBody {
  id: string;
  status: Status;
  createdBy: string;
  createdBySub?: string;
  createdAt: string;
  approvedBy?: string;
  approvedAt?: string;
  history?: { at: string; by: string; from?: Status; to: Status }[];
  alert?: { event: string; headline?: string; severity: string; sender: string };
  /** the list and every answer about one campaign carry its progress so far */
  progress?: Partial<Progress>;
}

/** What h11meter's capacity advice says (GET /api/capacity, and the preview's `capacity`). */
export interface Capacity {
  generatedAt: string;
  horizonHours: number;
  demand: { calls: number; smsParts: number };
  carries: { calls: number; smsParts: number };
  exceeds: boolean;
  ask: { callsPerSecond: number; callsInProgress: number } | null;
  moveToTexts: { share: number; calls: number } | null;
  oldestDueMinutes: number | null;
}

export interface Preview {
  audience: {
    total: number;
    byCategory: Record<Category, number>;
    byCounty: Record<string, Record<Category, number> & { total: number }>;
    byChannel: { voice: number; sms: number };
  };
  rounds: unknown[];
  calls: number;
  texts: number;
  smsParts: number;
  totalDurationMs: number;
  longestRoundMs: number;
  warnings: { code: string; message: string; at?: string }[];
  /** starting needs a second administrator's approval: the audience is over the threshold */
  needsSecondApproval?: boolean;
  approvalThreshold?: number;
  capacity?: Capacity;
}

export const statusTone = (s: string): Tone =>
  s === 'running'
    ? 'ok'
    : s === 'paused' || s === 'draft'
      ? 'warn'
      : s === 'cancelled'
        ? 'bad'
        : s === 'done'
          ? 'muted'
          : 'info';

export function CampaignStatusBadge({ status }: { status: string }) {
  return <Badge text={t(`campaignStatus.${status}` as MessageKey)} tone={statusTone(status)} />;
}

export const listOf = <T,>(body: T[] | { items: T[] }): T[] => (Array.isArray(body) ? body : body.items);

export function CampaignListPage({ me }: PageProps) {
  useTitle(t('campaigns.title'));
  const list = useApi<Campaign[] | { items: Campaign[] }>('/api/campaigns');
  return (
    <>
      <Heading>{t('campaigns.title')}</Heading>
      {me.principal.role !== 'townshipOperator' ? (
        <p>
          <Button type="primary" href="#/campaigns/new">
            {t('campaigns.new')}
          </Button>
        </p>
      ) : null}
      <Show loaded={list}>
        {(body) => (
          <DataTable
            caption={t('campaigns.caption')}
            rowKey={(c) => c.id}
            columns={[
              {
                key: 'col.title',
                cell: (c) => <a href={`#/campaigns/${c.id}`}>{c.title}</a>,
                rowHeader: true,
              },
              { key: 'col.kind', cell: (c) => t(`kind.${c.kind}` as MessageKey) },
              { key: 'col.status', cell: (c) => <CampaignStatusBadge status={c.status} /> },
              { key: 'col.window', cell: (c) => `${dateTime(c.window.start)} – ${dateTime(c.window.end)}` },
              {
                key: 'col.counties',
                cell: (c) => c.target.counties.map((k) => countyName(me, k)).join('、'),
              },
              {
                key: 'col.progress',
                cell: (c) =>
                  c.progress
                    ? t('campaigns.progressShort', {
                        well: c.progress.well ?? 0,
                        help: c.progress.needsHelp ?? 0,
                        notReached: c.progress.notReached ?? 0,
                      })
                    : '—',
              },
              { key: 'col.createdBy', cell: (c) => c.createdBy },
            ]}
            rows={listOf(body)}
            empty="campaigns.none"
          />
        )}
      </Show>
    </>
  );
}

/** The preview as a person reads it: the audience by county and category, what is sent, how long. */
export function PreviewView({ me, p }: { me: Me; p: Preview }) {
  const n = (v: number) => integer(v, lang());
  const rows = Object.entries(p.audience.byCounty)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([county, c]) => ({ county, ...c }));
  const totalRow = { county: '', ...p.audience.byCategory, total: p.audience.total };
  return (
    <div className="preview">
      <p className="big">{t('preview.audience', { n: n(p.audience.total) })}</p>
      {p.needsSecondApproval ? (
        <p>
          <Badge text={t('preview.needsApproval', { n: n(p.approvalThreshold ?? 0) })} tone="warn" />
        </p>
      ) : null}
      <DataTable
        caption={t('preview.byCounty')}
        columns={[
          {
            key: 'col.county',
            cell: (r) => (r.county ? countyName(me, r.county) : t('common.total')),
            rowHeader: true,
          },
          { key: 'category.A', cell: (r) => n(r.A), numeric: true },
          { key: 'category.B', cell: (r) => n(r.B), numeric: true },
          { key: 'category.C', cell: (r) => n(r.C), numeric: true },
          { key: 'common.total', cell: (r) => n(r.total), numeric: true },
        ]}
        rows={rows.length > 1 ? [...rows, totalRow] : rows}
      />
      <Figures
        pairs={[
          [t('preview.calls'), n(p.calls)],
          [
            t('preview.texts'),
            <>
              {n(p.texts)}
              <small>{t('preview.parts', { n: n(p.smsParts) })}</small>
            </>,
          ],
          [t('preview.rounds'), n(p.rounds.length)],
          [t('preview.duration'), duration(p.totalDurationMs, lang())],
          [t('preview.longest'), duration(p.longestRoundMs, lang())],
          [
            t('preview.channels'),
            t('preview.channelSplit', {
              voice: n(p.audience.byChannel.voice),
              sms: n(p.audience.byChannel.sms),
            }),
          ],
        ]}
      />
      {p.warnings.length > 0 ? (
        <div className="warnings" role="note">
          <h3>{t('preview.warnings')}</h3>
          <ul>
            {p.warnings.map((w) => (
              <li key={`${w.code}-${w.at ?? ''}`}>
                <Badge text={t('preview.warning')} tone="warn" /> {warningText(w, lang())}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p>
          <Badge text={t('preview.fits')} tone="ok" />
        </p>
      )}
    </div>
  );
}
