/**
 * Shared pieces of every page, on Ant Design: headings that take the focus after a navigation,
 * sections named by their h2, tables with a caption and row headers, status tags with an icon (never
 * colour alone), fields with their message under them, the live region, and loading data from the API.
 */
export * from './fields.js';
export * from './shell.js';

import { Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { getJson } from './api.js';
import { type MessageKey, t } from './i18n.js';
import { ErrorLine, Loading } from './shell.js';

/** A section named by its own h2 (aria-labelledby), so screen readers list it as a region. */
export function Section({
  title,
  children,
  className,
}: {
  title: ReactNode;
  children?: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={className}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';
const ICONS: Record<Tone, string> = { ok: '✓', warn: '!', bad: '✕', info: '●', muted: '–' };
const COLORS: Record<Tone, string> = {
  ok: 'success',
  warn: 'warning',
  bad: 'error',
  info: 'processing',
  muted: 'default',
};

/** A status shown by text and an icon, not by colour alone. */
export function Badge({ text, tone, icon }: { text: ReactNode; tone: Tone; icon?: string }) {
  return (
    <Tag color={COLORS[tone]} className={`badge ${tone}`}>
      <span aria-hidden="true">{icon ?? ICONS[tone]}</span> {text}
    </Tag>
  );
}

/** A description list of label → value pairs. */
export function Facts({ pairs }: { pairs: [MessageKey | string, ReactNode][] }) {
  return (
    <dl className="facts">
      {pairs.map(([k, v]) => (
        <Pair key={k} term={hasCatalogue(k) ? t(k as MessageKey) : k} value={v} />
      ))}
    </dl>
  );
}

function Pair({ term, value }: { term: string; value: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </>
  );
}

const hasCatalogue = (k: string) => /^[a-zA-Z]+\.[\w.]+$/.test(k);

/** Key figures as a grid of cards (a description list, each pair in its own group). */
export function Figures({ pairs }: { pairs: [string, ReactNode][] }) {
  return (
    <dl className="figures">
      {pairs.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface Column<T> {
  key: MessageKey;
  /** the header as shown, when it is not the catalogue's text of `key` */
  title?: string;
  cell: (row: T) => ReactNode;
  /** numbers right-aligned */
  numeric?: boolean;
  /** the row's header cell (th scope=row) */
  rowHeader?: boolean;
}

/**
 * A table (Ant Design's) with a caption and header cells, in a scroll box the keyboard can scroll;
 * an empty list is said in a sentence.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  empty,
  rowKey,
}: {
  caption: string;
  columns: Column<T>[];
  rows: readonly T[];
  empty?: MessageKey;
  rowKey?: (row: T, index: number) => string;
}) {
  const captionId = useId();
  const antColumns: ColumnsType<T> = columns.map((c, i) => ({
    key: `${c.key}-${i}`,
    title: c.title ?? t(c.key),
    render: (_: unknown, row: T) => c.cell(row),
    ...(c.numeric ? { align: 'right' as const } : {}),
    ...(c.rowHeader ? { rowScope: 'row' as const } : {}),
  }));
  if (rows.length === 0) return <p className="empty">{t(empty ?? 'table.empty')}</p>;
  const keyed = rows.map((row, i) => ({ row, key: rowKey ? rowKey(row, i) : String(i) }));
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box the keyboard scrolls
    <section className="table-wrap" aria-labelledby={captionId} tabIndex={0}>
      <Table<T>
        size="small"
        caption={<span id={captionId}>{caption}</span>}
        columns={antColumns}
        dataSource={keyed.map((k) => k.row)}
        rowKey={(row) => keyed.find((k) => k.row === row)?.key ?? ''}
        pagination={false}
      />
    </section>
  );
}

/** Saves a Blob under a file name (a download the browser keeps). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What a GET from the API gives a component: the data, the error, whether it is loading, and reload. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * GET `path` (null: nothing yet) and keep the newest answer; asked again when the path changes or on
 * reload, the request aborted when the component goes.
 */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: path !== null,
  });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: round: reload asks again
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(path, abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ error, loading: false });
      },
    );
    return () => abort.abort();
  }, [path, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Shows what a GET gave: loading, the error, or `children(data)`. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.error !== undefined && !loaded.loading) return <ErrorLine error={loaded.error} />;
  if (loaded.data === undefined) return <Loading />;
  return <>{children(loaded.data)}</>;
}
