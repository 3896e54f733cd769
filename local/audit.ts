/**
 * `npm run audit:prod`: CI's gate on known vulnerabilities in production dependencies. Runs
 * `npm audit --omit=dev --json`, fails on any high or critical advisory not waived in
 * .ci/audit-waivers.json, and says so plainly when the registry's audit endpoint does not answer
 * (a mirror without it answers 405): then it fails too, unless ANXIN_AUDIT_UNREACHABLE=warn, which
 * prints that nothing was checked and goes on.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';

const via = z.union([
  z.string(),
  z.object({ name: z.string(), title: z.string(), url: z.string(), severity: z.string() }).loose(),
]);
/** The parts of npm audit's JSON report (auditReportVersion 2) this gate reads. */
const reportSchema = z
  .object({
    auditReportVersion: z.number(),
    vulnerabilities: z.record(
      z.string(),
      z.object({ name: z.string(), severity: z.string(), via: z.array(via) }).loose(),
    ),
  })
  .loose();

const waiverSchema = z.object({
  waivers: z.array(
    z.object({ id: z.string(), package: z.string(), reason: z.string().min(10), until: z.iso.date() }),
  ),
});
export type Waiver = z.infer<typeof waiverSchema>['waivers'][number];

export type AuditVerdict =
  | { kind: 'clean'; waived: string[] }
  | { kind: 'vulnerable'; findings: string[]; waived: string[] }
  | { kind: 'unreachable'; detail: string };

const BLOCKING = new Set(['high', 'critical']);

/** What npm audit's output means for CI, given the waivers in force on `today` (YYYY-MM-DD). */
export function judgeAudit(stdout: string, waivers: readonly Waiver[], today: string): AuditVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { kind: 'unreachable', detail: 'npm audit printed no JSON report' };
  }
  const report = reportSchema.safeParse(parsed);
  if (!report.success) {
    const message = z.object({ message: z.string() }).loose().safeParse(parsed);
    return { kind: 'unreachable', detail: message.success ? message.data.message : 'no audit report' };
  }
  const inForce = new Set(waivers.filter((w) => w.until >= today).map((w) => w.id.toUpperCase()));
  const findings = new Set<string>();
  const waived = new Set<string>();
  for (const vulnerability of Object.values(report.data.vulnerabilities)) {
    for (const advisory of vulnerability.via) {
      if (typeof advisory === 'string' || !BLOCKING.has(advisory.severity)) continue;
      const id = /GHSA-[\w-]+/i.exec(advisory.url)?.[0]?.toUpperCase() ?? advisory.url;
      const line = `${advisory.severity} ${id} ${advisory.name}: ${advisory.title} (via ${vulnerability.name})`;
      (inForce.has(id) ? waived : findings).add(line);
    }
  }
  return findings.size > 0
    ? { kind: 'vulnerable', findings: [...findings].sort(), waived: [...waived].sort() }
    : { kind: 'clean', waived: [...waived].sort() };
}

function main(): number {
  const root = resolve(import.meta.dirname, '..');
  const waivers = waiverSchema.parse(
    JSON.parse(readFileSync(resolve(root, '.ci/audit-waivers.json'), 'utf8')),
  ).waivers;
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8' });
  const verdict = judgeAudit(run.stdout ?? '', waivers, new Date().toISOString().slice(0, 10));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  switch (verdict.kind) {
    case 'clean':
      out('audit: no high or critical advisory in production dependencies');
      for (const line of verdict.waived) out(`audit: waived ${line}`);
      return 0;
    case 'vulnerable':
      out('audit: FAILED: high or critical advisories in production dependencies:');
      for (const line of verdict.findings) out(`  ${line}`);
      for (const line of verdict.waived) out(`audit: waived ${line}`);
      out('audit: fix (npm update / a newer exact version) or waive in .ci/audit-waivers.json (README)');
      return 1;
    case 'unreachable':
      out('audit: NOT CHECKED: the registry audit endpoint did not answer');
      out(`audit: ${verdict.detail}`);
      if (process.env.ANXIN_AUDIT_UNREACHABLE === 'warn') {
        out('audit: going on because ANXIN_AUDIT_UNREACHABLE=warn: dependencies were NOT audited');
        return 0;
      }
      out('audit: failing; set ANXIN_AUDIT_UNREACHABLE=warn to go on knowingly without the audit');
      return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) process.exitCode = main();
