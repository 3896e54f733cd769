/**
 * The register (issue 13, part 2): server-side search by name, ID number (whole or its last digits),
 * phone and village (GET /api/elders/search); filters by county, township, category, pairing, consent,
 * status and overdue visits; totals (by county side by side for the city); sort by a column; pages.
 * The filtered register downloads as XLSX (GET /api/elders/export, on the audit trail). ID numbers
 * and phones come masked from the API.
 */
import { Button, Checkbox, Form, Input, Table } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useState } from 'react';
import { qs, send } from '../api.js';
import { integer } from '../format.js';
import { lang, type MessageKey, t } from '../i18n.js';
import { CATEGORIES, fileNameOf } from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import {
  AlertBox,
  announce,
  Badge,
  errorText,
  Field,
  Heading,
  Loading,
  saveBlob,
  useApi,
  useTitle,
} from '../ui.js';
import { CategoryBadge, Options, StatusBadge } from './elder-bits.js';

/** An elder as the search lists them. */
export interface FoundElder {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  age: number;
  category: 'A' | 'B' | 'C';
  status: string;
  consent: string;
  region: { county: string; township: string; village: string };
  contactId?: string;
  paired: boolean;
  idNumber?: string;
  phone: string;
  registeredOn: string;
}

interface SearchAnswer {
  total: number;
  page: number;
  pageSize: number;
  byCounty: Record<string, number>;
  items: FoundElder[];
}

export const ELDER_STATUSES = ['active', 'hospital', 'moved', 'died', 'left'] as const;
const SORTABLE = ['name', 'birthDate', 'category', 'village', 'township', 'registeredOn'] as const;
type Sort = (typeof SORTABLE)[number];

interface Query {
  q: string;
  county: string;
  township: string;
  village: string;
  category: string;
  paired: string;
  consent: string;
  status: string;
  overdue: boolean;
  sort: Sort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const params = (x: Query, paged: boolean) => ({
  q: x.q.trim(),
  county: x.county,
  township: x.township.trim(),
  village: x.village.trim(),
  category: x.category,
  paired: x.paired,
  consent: x.consent,
  status: x.status,
  overdue: x.overdue ? 'true' : '',
  sort: x.sort,
  order: x.order,
  ...(paged ? { page: x.page, pageSize: x.pageSize } : {}),
});

export function ElderListPage({ me }: PageProps) {
  useTitle(t('elders.title'));
  const [query, setQuery] = useState<Query>({
    q: '',
    county: me.principal.county ?? '',
    township: me.principal.township ?? '',
    village: '',
    category: '',
    paired: '',
    consent: '',
    status: 'active',
    overdue: false,
    sort: 'name',
    order: 'asc',
    page: 1,
    pageSize: 20,
  });
  // the text typed, searched on Enter or the button
  const [typed, setTyped] = useState('');
  const [alert, setAlert] = useState<string>();
  const [exporting, setExporting] = useState(false);
  const found = useApi<SearchAnswer>(`/api/elders/search${qs(params(query, true))}`);
  const set = (patch: Partial<Query>) => setQuery({ ...query, page: 1, ...patch });
  const n = (v: number) => integer(v, lang());

  const exportXlsx = async () => {
    setExporting(true);
    setAlert(undefined);
    try {
      const response = await send('GET', `/api/elders/export${qs(params(query, false))}`);
      const name = fileNameOf(response.headers.get('content-disposition'), `${t('elders.title')}.xlsx`);
      saveBlob(await response.blob(), name);
      announce(t('reports.downloaded', { name }));
    } catch (error) {
      setAlert(errorText(error));
    } finally {
      setExporting(false);
    }
  };

  const sortOrder = (key: Sort) =>
    query.sort === key ? (query.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null;
  const data = found.data;
  const byCounty = data ? Object.entries(data.byCounty).sort(([a], [b]) => a.localeCompare(b)) : [];
  return (
    <>
      <Heading>{t('elders.title')}</Heading>
      {me.principal.role !== 'townshipOperator' ? (
        <p>
          <Button type="primary" href="#/elders/new">
            {t('elders.new')}
          </Button>
        </p>
      ) : null}
      <Form
        layout="vertical"
        className="filters card"
        role="search"
        aria-label={t('elders.search')}
        onFinish={() => set({ q: typed })}
      >
        <Field label={t('elders.q')} hint={t('elders.qHint')}>
          {(p) => (
            <Input.Search
              {...p}
              name="q"
              autoComplete="off"
              enterButton={t('elders.searchButton')}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              onSearch={(value) => set({ q: value })}
            />
          )}
        </Field>
        <Field label={t('field.county')}>
          {(p) => (
            <select
              {...p}
              name="county"
              value={query.county}
              onChange={(e) => set({ county: e.target.value })}
            >
              <Options
                options={[
                  ...(me.principal.role === 'cityAdmin'
                    ? [{ value: '', label: t('common.allCounties') }]
                    : []),
                  ...me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
                ]}
              />
            </select>
          )}
        </Field>
        <Field label={t('col.township')}>
          {(p) => (
            <Input
              {...p}
              name="township"
              autoComplete="off"
              value={query.township}
              disabled={me.principal.role === 'townshipOperator'}
              onChange={(e) => setQuery({ ...query, township: e.target.value })}
              onBlur={() => set({})}
            />
          )}
        </Field>
        <Field label={t('col.village')}>
          {(p) => (
            <Input
              {...p}
              name="village"
              autoComplete="off"
              value={query.village}
              onChange={(e) => setQuery({ ...query, village: e.target.value })}
              onBlur={() => set({})}
            />
          )}
        </Field>
        <Field label={t('field.category')}>
          {(p) => (
            <select
              {...p}
              name="category"
              value={query.category}
              onChange={(e) => set({ category: e.target.value })}
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
        <Field label={t('col.paired')}>
          {(p) => (
            <select
              {...p}
              name="paired"
              value={query.paired}
              onChange={(e) => set({ paired: e.target.value })}
            >
              <Options
                options={[
                  { value: '', label: t('elders.any') },
                  { value: 'true', label: t('elders.pairedYes') },
                  { value: 'false', label: t('elders.pairedNo') },
                ]}
              />
            </select>
          )}
        </Field>
        <Field label={t('col.consent')}>
          {(p) => (
            <select
              {...p}
              name="consent"
              value={query.consent}
              onChange={(e) => set({ consent: e.target.value })}
            >
              <Options
                options={[
                  { value: '', label: t('elders.any') },
                  { value: 'accepted', label: t('consent.accepted') },
                  { value: 'refused', label: t('consent.refused') },
                ]}
              />
            </select>
          )}
        </Field>
        <Field label={t('col.status')}>
          {(p) => (
            <select
              {...p}
              name="status"
              value={query.status}
              onChange={(e) => set({ status: e.target.value })}
            >
              <Options
                options={[
                  ...ELDER_STATUSES.map((s) => ({ value: s, label: t(`elderStatus.${s}` as MessageKey) })),
                  { value: 'all', label: t('elders.allStatuses') },
                ]}
              />
            </select>
          )}
        </Field>
        <Checkbox
          className="check"
          checked={query.overdue}
          onChange={(e) => set({ overdue: e.target.checked })}
        >
          {t('elders.overdue')}
        </Checkbox>
      </Form>
      <AlertBox text={alert} />
      <div className="actions">
        <p role="status" className="count">
          {data ? t('elders.total', { n: n(data.total) }) : ''}
        </p>
        <Button onClick={() => void exportXlsx()} disabled={exporting}>
          {t('elders.export')}
        </Button>
      </div>
      {byCounty.length > 1 ? (
        <dl className="figures">
          {byCounty.map(([c, k]) => (
            <div key={c}>
              <dt>{countyName(me, c)}</dt>
              <dd>{n(k)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {found.error !== undefined && !found.loading ? (
        <AlertBox text={errorText(found.error)} />
      ) : !data ? (
        <Loading />
      ) : (
        <section className="table-wrap" aria-labelledby="elders-caption">
          <Table<FoundElder>
            size="small"
            rowKey="id"
            loading={found.loading}
            caption={<span id="elders-caption">{t('elders.tableCaption', { page: data.page })}</span>}
            dataSource={data.items}
            locale={{ emptyText: t('elders.none') }}
            pagination={{
              current: data.page,
              pageSize: data.pageSize,
              total: data.total,
              showSizeChanger: true,
              pageSizeOptions: [20, 50, 100, 200],
              showTotal: (total) => t('elders.total', { n: n(total) }),
            }}
            onChange={(pagination, _filters, sorter) => {
              const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<FoundElder> | undefined;
              const key = (s?.order ? s.columnKey : undefined) as Sort | undefined;
              const pageSize = pagination.pageSize ?? query.pageSize;
              setQuery({
                ...query,
                sort: key ?? 'name',
                order: s?.order === 'descend' ? 'desc' : 'asc',
                pageSize,
                page: pageSize !== query.pageSize ? 1 : (pagination.current ?? 1),
              });
            }}
            columns={[
              {
                key: 'name',
                title: t('col.name'),
                rowScope: 'row',
                sorter: true,
                sortOrder: sortOrder('name'),
                render: (_, e) => <a href={`#/elders/${e.id}`}>{e.name}</a>,
              },
              {
                key: 'gender',
                title: t('col.gender'),
                render: (_, e) => t(`gender.${e.gender}` as MessageKey),
              },
              {
                key: 'birthDate',
                title: t('col.age'),
                align: 'right',
                sorter: true,
                sortOrder: sortOrder('birthDate'),
                render: (_, e) => String(e.age),
              },
              { key: 'idNumber', title: t('col.idNumber'), render: (_, e) => e.idNumber ?? '—' },
              { key: 'county', title: t('col.county'), render: (_, e) => countyName(me, e.region.county) },
              {
                key: 'township',
                title: t('col.township'),
                sorter: true,
                sortOrder: sortOrder('township'),
                render: (_, e) => e.region.township,
              },
              {
                key: 'village',
                title: t('col.village'),
                sorter: true,
                sortOrder: sortOrder('village'),
                render: (_, e) => e.region.village,
              },
              {
                key: 'category',
                title: t('col.category'),
                sorter: true,
                sortOrder: sortOrder('category'),
                render: (_, e) => <CategoryBadge category={e.category} />,
              },
              { key: 'status', title: t('col.status'), render: (_, e) => <StatusBadge status={e.status} /> },
              { key: 'phone', title: t('col.phoneMasked'), render: (_, e) => e.phone },
              {
                key: 'paired',
                title: t('col.paired'),
                render: (_, e) =>
                  e.paired ? (
                    <Badge text={t('common.yes')} tone="ok" />
                  ) : (
                    <Badge text={t('common.no')} tone="warn" />
                  ),
              },
            ]}
          />
        </section>
      )}
    </>
  );
}
