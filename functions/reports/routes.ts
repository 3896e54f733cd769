import * as z from 'zod';
import { msg } from '../../shared/i18n/messages.js';
import { monthlyReport, openObligationsReport, type ReportDeps } from '../../shared/reports/service.js';
import { monthlySheet, openObligationsSheet, type Sheet, toCsv } from '../../shared/reports/table.js';
import { toXlsx } from '../../shared/reports/xlsx.js';
import { parseOrThrow } from '../../shared/validation.js';
import { forbidden, principalOf, townshipInScope } from '../api/auth.js';
import { type HttpEvent, type HttpResult, json } from '../api/http.js';

export interface ReportRouteDeps extends ReportDeps {
  now: () => Date;
}

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * A download: the body base64 (API Gateway decodes it), the Chinese file name per RFC 5987
 * (`filename*=UTF-8''…`) with a plain ASCII fallback for old clients.
 */
export async function download(sheet: Sheet, format: 'csv' | 'xlsx', asciiName: string): Promise<HttpResult> {
  const body = format === 'csv' ? toCsv(sheet) : await toXlsx(sheet);
  const encoded = encodeURIComponent(`${sheet.fileName}.${format}`).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return {
    statusCode: 200,
    headers: {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${asciiName}.${format}"; filename*=UTF-8''${encoded}`,
      'cache-control': 'no-store',
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * GET /api/reports/monthly and GET /api/reports/open-obligations (JSON, CSV or XLSX). A city
 * administrator's cover the city or the county asked for; a county administrator's their county
 * (another county asked for: 403); a township operator's their township.
 */
export function reportRoutes(deps: ReportRouteDeps) {
  const countyField = z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'));
  const reportQuery = z
    .strictObject({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, msg('month.format')),
      county: countyField.optional(),
      township: z.string().trim().min(1).max(50).optional(),
      format: z.enum(REPORT_FORMATS).default('json'),
    })
    .superRefine((q, ctx) => {
      if (q.township !== undefined && q.county === undefined)
        ctx.addIssue({ code: 'custom', path: ['township'], message: msg('report.townshipWithoutCounty') });
    });
  const parse = (event: HttpEvent) => {
    const principal = principalOf(event);
    const q = parseOrThrow(reportQuery, event.queryStringParameters ?? {}, ['query']);
    if (principal.role === 'cityAdmin') return q;
    if (q.county !== undefined && q.county !== principal.county) throw forbidden();
    const township = townshipInScope(principal, q.township);
    return { ...q, county: principal.county, ...(township ? { township } : {}) };
  };
  const scopeName = (county: string | undefined, township: string | undefined) =>
    county ? `${deps.policy.counties[county]?.zh ?? county}${township ?? ''}` : '江门市';
  const asciiScope = (county: string | undefined) => county ?? 'city';

  const monthlyRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const q = parse(event);
    const { report, capacity } = await monthlyReport(deps, q, deps.now());
    if (q.format === 'json') return json(200, { ...report, capacity });
    return download(monthlySheet(report), q.format, `monthly-report-${q.month}-${asciiScope(q.county)}`);
  };

  const openRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const q = parse(event);
    const { report, capacity } = await openObligationsReport(deps, q, deps.now());
    if (q.format === 'json') return json(200, { ...report, capacity });
    const sheet = openObligationsSheet(report, scopeName(q.county, q.township));
    return download(sheet, q.format, `open-obligations-${q.month}-${asciiScope(q.county)}`);
  };

  return [
    { method: 'GET', path: '/api/reports/monthly', handler: monthlyRoute },
    { method: 'GET', path: '/api/reports/open-obligations', handler: openRoute },
  ] as const;
}
