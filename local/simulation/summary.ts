import type { SimulationResult } from './result.js';

/** Columns on a terminal: CJK and full-width characters take two. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      )
        ? 2
        : 1;
  return w;
}
const pad = (text: string, to: number) => text + ' '.repeat(Math.max(0, to - width(text)));

/** Counts of each value, most frequent first: "well×3 no-answer×1". */
function tally(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([v, n]) => (n > 1 ? `${v}×${n}` : v))
    .join(' ');
}

const percent = (rate: number | null) => (rate === null ? '-' : `${Math.round(rate * 1000) / 10}%`);

/** Reminders sent, and the month's visit rate and home-visit compliance from the monthly report. */
function monthLines(result: SimulationResult): string[] {
  const { report } = result;
  const t = report.total;
  const home = (['A', 'B', 'C'] as const)
    .map(
      (c) =>
        `${c} ${t.homeCompliance[c].met}/${t.homeCompliance[c].served} ${percent(t.homeCompliance[c].rate)}`,
    )
    .join(' · ');
  return [
    `  提醒 reminders ${result.summary.reminders} 条探访提醒 digests to contacts`,
    `  ${report.month} 月报 report (${report.scope.countyName}, 截至 as of ${report.asOf}): ` +
      `探访率 visit rate ${t.visitRate.met}/${t.visitRate.served} ${percent(t.visitRate.rate)} · ` +
      `上门探访达标 home visits ${home}`,
  ];
}

/**
 * The run in a few lines for a terminal: totals, peaks against the limits, and one row per elder.
 * @example process.stdout.write(formatSummary(await simulate(scenario)))
 */
export function formatSummary(result: SimulationResult): string {
  const s = result.summary;
  const lines = [
    `安心 Anxin 模拟结果 / simulation: ${result.scenario.start} → ${result.scenario.end} (${s.days} 天 days, seed ${result.scenario.seed})`,
    `  老人 elders ${s.elders} · 回访 check-ins ${s.checkIns} · 外呼 calls ${s.calls} · 短信 texts ${s.texts} · 探访 visits ${s.visits}`,
    `  个案 cases ${s.casesOpened} 开启 opened, ${s.casesAcknowledged} 已确认 acknowledged`,
    `  峰值 peaks: 同时通话 calls in progress ${s.peaks.inProgress}/${s.limits.callsInProgress} · ` +
      `每秒外呼 calls/s ${s.peaks.callsInOneSecond}/${s.limits.callsPerSecond} · ` +
      `每秒短信 SMS parts/s ${s.peaks.smsPartsInOneSecond}/${s.limits.smsPartsPerSecond}`,
    ...monthLines(result),
    `  死信 dead letters ${s.deadLetters} · 错误 errors ${s.errors}`,
    '',
  ];
  const header = [
    '老人 elder',
    '类别 cat',
    '回访 check-ins',
    '外呼 calls',
    '短信 texts',
    '探访 visits',
    '个案 cases',
  ];
  const rows = result.elders.map((e) => {
    const mine = <T extends { elderId: string | null }>(list: T[]) => list.filter((x) => x.elderId === e.id);
    return [
      e.id,
      `${e.category} ${e.channel}`,
      tally(mine(result.checkIns).map((c) => c.status)),
      tally(mine(result.calls).map((c) => c.outcome ?? 'pending')),
      tally(result.texts.filter((t) => t.to === e.phone).map((t) => t.purpose ?? '?')),
      String(mine(result.visits).length),
      tally(
        mine(result.cases).map(
          (c) => `${c.reason}@${Math.max(...c.steps.map((x) => x.step), 0)}${c.acknowledgedAt ? '✓' : ''}`,
        ),
      ),
    ].map((cell) => cell || '-');
  });
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const row = (cells: string[]) => `  ${cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ')}`.trimEnd();
  lines.push(row(header), ...rows.map(row));
  lines.push(
    '',
    '  个案 cases: reason@最高级别 highest level, ✓ 已确认 acknowledged; 短信 texts: those sent to the elder',
  );
  for (const e of result.errors) lines.push(`  ! ${e}`);
  return `${lines.join('\n')}\n`;
}
