/**
 * The register: a paged list of a county's elders (filter by county and category on the server; by
 * name or village within the loaded page).
 */
import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { qs } from '../api.js';
import { serverNow } from '../clock.js';
import { maskPhone, todayIn } from '../format.js';
import { type MessageKey, t } from '../i18n.js';
import { ageOn, CATEGORIES, filterRows } from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import { Badge, DataTable, ErrorLine, Field, Heading, Loading, useApi, useTitle } from '../ui.js';
import { CategoryBadge, type ElderRow, Options, StatusBadge } from './elder-bits.js';

export function ElderListPage({ me }: PageProps) {
  useTitle(t('elders.title'));
  const [county, setCounty] = useState(me.principal.county ?? '');
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  // cursors of the pages seen, so "previous" goes back without keeping elders in the URL
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const list = useApi<{ items: ElderRow[]; cursor?: string }>(
    `/api/elders${qs({ county, category, limit: 50, cursor: cursors[page] })}`,
  );
  const today = todayIn(serverNow());
  const restart = () => {
    setCursors([undefined]);
    setPage(0);
  };
  const countyOptions = [
    ...(me.principal.role === 'cityAdmin' ? [{ value: '', label: t('common.allCounties') }] : []),
    ...me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
  ];
  const rows = list.data?.items ?? [];
  const shown = filterRows(rows, text);
  const next = list.data?.cursor;
  return (
    <>
      <Heading>{t('elders.title')}</Heading>
      <Form layout="vertical" className="filters" role="search" aria-label={t('elders.search')}>
        <Field label={t('field.county')}>
          {(p) => (
            <select
              {...p}
              name="county"
              value={county}
              onChange={(e) => {
                setCounty(e.target.value);
                restart();
              }}
            >
              <Options options={countyOptions} />
            </select>
          )}
        </Field>
        <Field label={t('field.category')}>
          {(p) => (
            <select
              {...p}
              name="category"
              value={category}
              onChange={(e) => {
                setCategory(e.target.value);
                restart();
              }}
            >
              <Options
                options={[
                  { value: '', label: t('common.allCategories') },
                  ...CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) })),
                ]}
              />
            </select>
          )}
        </Field>
        <Field label={t('elders.filterText')} hint={t('elders.filterHint')}>
          {(p) => (
            <Input
              {...p}
              type="search"
              name="filter"
              autoComplete="off"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
      </Form>
      <p role="status" className="count">
        {list.data ? t('elders.count', { shown: shown.length, loaded: rows.length, page: page + 1 }) : ''}
      </p>
      <div className="results">
        {list.loading ? (
          <Loading />
        ) : list.error !== undefined ? (
          <ErrorLine error={list.error} />
        ) : (
          <DataTable
            caption={t('elders.tableCaption', { page: page + 1 })}
            rowKey={(e) => e.id}
            columns={[
              { key: 'col.name', cell: (e) => <a href={`#/elders/${e.id}`}>{e.name}</a>, rowHeader: true },
              { key: 'col.gender', cell: (e) => t(`gender.${e.gender}` as MessageKey) },
              { key: 'col.age', cell: (e) => String(ageOn(e.birthDate, today)), numeric: true },
              { key: 'col.county', cell: (e) => countyName(me, e.region.county) },
              { key: 'col.township', cell: (e) => e.region.township },
              { key: 'col.village', cell: (e) => e.region.village },
              { key: 'col.category', cell: (e) => <CategoryBadge category={e.category} /> },
              { key: 'col.status', cell: (e) => <StatusBadge status={e.status} /> },
              { key: 'col.phone', cell: (e) => maskPhone(e.phone) },
              {
                key: 'col.paired',
                cell: (e) =>
                  e.contactId ? (
                    <Badge text={t('common.yes')} tone="ok" />
                  ) : (
                    <Badge text={t('common.no')} tone="warn" />
                  ),
              },
            ]}
            rows={shown}
            empty="elders.none"
          />
        )}
      </div>
      <div className="pager">
        <Button disabled={page === 0} onClick={() => setPage(page - 1)}>
          {t('common.prev')}
        </Button>
        <span>{t('common.page', { n: page + 1 })}</span>
        <Button
          disabled={!next}
          onClick={() => {
            setCursors([...cursors.slice(0, page + 1), next]);
            setPage(page + 1);
          }}
        >
          {t('common.next')}
        </Button>
      </div>
    </>
  );
}
