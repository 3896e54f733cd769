import { describe, expect, it } from 'vitest';
import { judgeAudit } from '../../local/audit.js';

/** npm audit --json (auditReportVersion 2), the shape npm 7+ prints; one high advisory via a dependency. */
const report = (severity: string) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: {
      'fast-xml-parser': {
        name: 'fast-xml-parser',
        severity,
        isDirect: true,
        via: [
          {
            source: 1096499,
            name: 'fast-xml-parser',
            dependency: 'fast-xml-parser',
            title: 'Prototype pollution in example',
            url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
            severity,
            range: '<4.2.4',
          },
        ],
        effects: [],
        range: '<4.2.4',
        nodes: ['node_modules/fast-xml-parser'],
        fixAvailable: true,
      },
      exceljs: { name: 'exceljs', severity, isDirect: true, via: ['fast-xml-parser'], effects: [] },
    },
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 } },
  });
/** What npm audit printed here, where the registry mirror has no audit endpoint. */
const unreachable = JSON.stringify({
  message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  statusCode: 405,
});
const waiver = {
  id: 'GHSA-aaaa-bbbb-cccc',
  package: 'fast-xml-parser',
  reason: 'not reachable: we never parse untrusted attributes',
  until: '2026-12-31',
};

describe('npm audit gate', () => {
  it('fails on a high advisory, naming it', () => {
    const verdict = judgeAudit(report('high'), [], '2026-12-08');
    expect(verdict).toMatchObject({ kind: 'vulnerable' });
    expect(verdict.kind === 'vulnerable' && verdict.findings[0]).toContain('GHSA-AAAA-BBBB-CCCC');
  });
  it('passes a moderate one, and a waived high one until its date', () => {
    expect(judgeAudit(report('moderate'), [], '2026-12-08')).toEqual({ kind: 'clean', waived: [] });
    expect(judgeAudit(report('critical'), [waiver], '2026-12-08')).toMatchObject({ kind: 'clean' });
    expect(judgeAudit(report('critical'), [waiver], '2027-01-01')).toMatchObject({ kind: 'vulnerable' });
  });
  it('says the endpoint did not answer instead of passing', () => {
    expect(judgeAudit(unreachable, [], '2026-12-08')).toEqual({
      kind: 'unreachable',
      detail: expect.stringContaining('405'),
    });
    expect(judgeAudit('', [], '2026-12-08')).toMatchObject({ kind: 'unreachable' });
  });
});
