import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { seesPlace } from '../../shared/auth/principal.js';
import { DomainError } from '../../shared/errors.js';
import { importRegister } from '../../shared/import/import.js';
import { rejectedXlsx } from '../../shared/import/rejected.js';
import { IMPORT_MODES, type ImportReport } from '../../shared/import/types.js';
import { getImportJob } from '../../shared/store/imports.js';
import { parseOrThrow } from '../../shared/validation.js';
import { actorOfPrincipal, requireRole } from '../api/auth.js';
import { bodyBytes, type HttpEvent, type HttpResult, json } from '../api/http.js';
import { type ApiDeps, pathId } from '../api/routes.js';

const importQuery = z.strictObject({
  mode: z.enum(IMPORT_MODES).default('register'),
  /** a client may choose the id to follow progress with GET /api/imports/{id} while the upload runs */
  id: z.uuid().optional(),
  filename: z.string().max(200).optional(),
  /** check the file and count what would happen, writing no elder */
  dryRun: z.enum(['true', 'false']).optional(),
  /** `rejected`: answer the rejected rows as an XLSX to fix and import again (a dry run) */
  output: z.enum(['report', 'rejected']).default('report'),
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An XLSX download with its Chinese file name (RFC 5987) and an ASCII fallback. */
export function xlsxFile(bytes: Buffer, name: string, ascii: string): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': XLSX,
      'content-disposition': `attachment; filename="${ascii}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${name}.xlsx`)}`,
      'cache-control': 'no-store',
    },
    body: bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * The report as staff see it: each problem by the sheet's row number and the column header as written,
 * with its message; never the form's internal field path.
 */
export function reportForStaff(report: ImportReport) {
  return {
    ...report,
    errors: report.errors.map((e) => ({
      row: e.row,
      errors: e.errors.map(({ path: _path, ...p }) => p),
    })),
  };
}

/**
 * Bulk import of the registration form (CSV or XLSX body), its dry run, the rejected rows as XLSX and
 * the progress (the template is GET /api/reports/import-template, with the other written spreadsheets): administrators only. A county administrator's rows of another county are
 * refused row by row, and they follow only their county's imports (another county's answers as a
 * missing one).
 */
export function importRoutes(deps: ApiDeps) {
  const startRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const q = parseOrThrow(importQuery, event.queryStringParameters ?? {}, ['query']);
    const now = deps.now();
    const rejectedOnly = q.output === 'rejected';
    const report = await importRegister(
      deps,
      {
        bytes: bodyBytes(event),
        ...(q.filename ? { filename: q.filename } : {}),
        ...(event.headers?.['content-type'] ? { contentType: event.headers['content-type'] } : {}),
      },
      {
        mode: q.mode,
        importId: q.id ?? randomUUID(),
        actor: actorOfPrincipal(principal, now),
        dryRun: q.dryRun === 'true' || rejectedOnly,
        keepRejected: rejectedOnly,
        ...(principal.county
          ? { scope: { county: principal.county, sees: (place) => seesPlace(principal, place) } }
          : {}),
      },
    );
    if (rejectedOnly && report.rejected) {
      const base = (q.filename ?? '导入').replace(/\.[^.]+$/, '');
      return xlsxFile(
        rejectedXlsx(report.rejected.header, report.rejected.rows),
        `${base}-需修改的行`,
        'rejected-rows',
      );
    }
    const { rejected: _rows, ...plain } = report;
    return json(200, reportForStaff(plain));
  };

  const progressRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const id = pathId(event);
    const job = await getImportJob(deps.db, id);
    if (!job || (principal.role !== 'cityAdmin' && job.county !== principal.county))
      throw new DomainError('import.notFound', 404, 'id');
    return json(200, job);
  };

  return [
    { method: 'POST', path: '/api/imports', handler: startRoute },
    { method: 'GET', path: '/api/imports/{id}', handler: progressRoute },
  ] as const;
}
