/**
 * A chart (Apache ECharts, loaded on first use): one image with a name for screen readers; the page
 * shows the same figures in a table next to it.
 */
import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { t } from './i18n.js';

type Echarts = typeof import('./echarts.js')['echarts'];
let loading: Promise<Echarts> | undefined;
const loadEcharts = () => {
  loading ??= import('./echarts.js').then((m) => m.echarts);
  return loading;
};

export function Chart({
  option,
  label,
  height = 320,
}: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let chart: ReturnType<Echarts['init']> | undefined;
    let gone = false;
    const resize = () => chart?.resize();
    loadEcharts().then(
      (echarts) => {
        if (gone || !box.current) return;
        chart = echarts.init(box.current, undefined, { renderer: 'svg' });
        chart.setOption({ animation: false, ...option });
        window.addEventListener('resize', resize);
      },
      () => setFailed(true),
    );
    return () => {
      gone = true;
      window.removeEventListener('resize', resize);
      chart?.dispose();
    };
  }, [option]);
  if (failed) return <p className="empty">{t('error.network')}</p>;
  return <div className="chart" ref={box} role="img" aria-label={label} style={{ height, width: '100%' }} />;
}
