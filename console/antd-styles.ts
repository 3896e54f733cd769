/**
 * The Ant Design CSS the console needs, extracted at build time (see build.ts): every component the
 * console uses is rendered once in Node inside a StyleProvider with its own cache, and
 * @ant-design/cssinjs writes out what they registered, plus the map that tells Ant Design in the
 * browser these styles are already loaded from a file (so it adds no <style> element, which the CSP
 * would refuse). A component added to the console must be added to SAMPLE.
 */
import { iconStyles } from '@ant-design/icons/lib/utils.js';
import type { ThemeConfig } from 'antd';
import type { ReactNode } from 'react';

type Antd = typeof import('antd');
type React = typeof import('react');

function sample(antd: Antd, e: React['createElement']): ReactNode {
  const {
    Alert,
    Button,
    Card,
    Checkbox,
    ConfigProvider,
    DatePicker,
    Descriptions,
    Divider,
    Dropdown,
    Empty,
    Form,
    Input,
    InputNumber,
    Pagination,
    Popconfirm,
    Progress,
    Radio,
    Select,
    Space,
    Spin,
    Statistic,
    Table,
    Tabs,
    Tag,
    Tooltip,
    Typography,
    Upload,
  } = antd;
  const columns = [
    { title: 'a', dataIndex: 'a', sorter: true, filters: [{ text: 'x', value: 'x' }] },
    { title: 'b', dataIndex: 'b', rowScope: 'row' as const },
  ];
  return e(
    'div',
    null,
    e(Alert, { message: 'a', type: 'error', showIcon: true }),
    e(Button, { type: 'primary' }, 'b'),
    e(Card, { title: 'c' }, 'c'),
    e(Checkbox, null, 'c'),
    e(Checkbox.Group, { options: ['a'] }),
    e(DatePicker, null),
    e(DatePicker.RangePicker, null),
    e(Descriptions, { items: [{ key: 'a', label: 'a', children: 'a' }] }),
    e(Divider, null),
    e(Dropdown, { menu: { items: [{ key: 'a', label: 'a' }] } }, e('a', null, 'd')),
    e(Empty, null),
    e(
      Form,
      { layout: 'vertical' },
      e(Form.Item, { label: 'a', name: 'a', help: 'h', validateStatus: 'error', required: true }, e(Input)),
    ),
    e(Input, null),
    e(Input.Search, null),
    e(Input.TextArea, null),
    e(InputNumber, null),
    e(Pagination, { total: 100 }),
    e(Popconfirm, { title: 'p' }, e('span', null, 'p')),
    e(Progress, { percent: 50 }),
    e(Radio.Group, { options: ['a'], optionType: 'button' }),
    e(Select, { options: [{ value: 'a', label: 'a' }] }),
    e(Space, null, 'a'),
    e(Spin, null),
    e(Statistic, { title: 's', value: 1 }),
    e(Table, {
      columns,
      dataSource: [{ key: 1, a: 1, b: 2 }],
      rowSelection: {},
      pagination: { total: 100 },
      caption: 'c',
    }),
    e(Tabs, { items: [{ key: 'a', label: 'a', children: 'a' }] }),
    ...['success', 'warning', 'error', 'processing', 'default'].map((color) =>
      e(Tag, { key: color, color }, color),
    ),
    e(Tooltip, { title: 't' }, e('span', null, 't')),
    e(Typography.Text, null, 't'),
    e(Upload, null, e(Button, null, 'u')),
    e(Upload.Dragger, null, 'u'),
  );
}

let cached: Promise<string> | undefined;

/**
 * The CSS of the components the console uses, with Ant Design's cache map (about a second, once).
 * Ant Design names its style hashes `css-…` in production builds and `css-dev-only-…` otherwise, read
 * when @ant-design/cssinjs is first loaded: it is loaded here as in production, like the browser bundle.
 */
export function antdCss(): Promise<string> {
  cached ??= (async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      // CommonJS in Node: the named exports, or the whole module as `default`
      const named = <T extends object>(m: T & { default?: T }, key: string): T =>
        key in m ? m : (m.default as T);
      const cssinjs = named(await import('@ant-design/cssinjs'), 'createCache');
      const antd = named((await import('antd')) as Antd & { default?: Antd }, 'Table');
      const react = await import('react');
      const { renderToString } = await import('react-dom/server');
      const { THEME } = (await import('./src/theme.js')) as { THEME: ThemeConfig };
      const e = react.createElement;
      const cache = cssinjs.createCache();
      renderToString(
        e(cssinjs.StyleProvider, { cache }, e(antd.ConfigProvider, { theme: THEME }, sample(antd, e))),
      );
      return `${cssinjs.extractStyle(cache, true)}\n${iconCss()}`;
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
  })();
  return cached;
}

/** @ant-design/icons' own stylesheet, which it adds as a <style> element (its hash is in the CSP). */
export const iconCss = (): string => iconStyles;
