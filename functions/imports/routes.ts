import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { seesPlace } from '../../shared/auth/principal.js';
import { DomainError } from '../../shared/errors.js';
import { importRegister } from '../../shared/import/import.js';
import { IMPORT_MODES } from '../../shared/import/types.js';
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
});

/**
 * Bulk import of the registration form (CSV or XLSX body) and its progress: administrators only. A
 * county administrator's rows of another county are refused row by row, and they follow only their
 * county's imports (another county's answers as a missing one).
 */
export function importRoutes(deps: ApiDeps) {
  const startRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const q = parseOrThrow(importQuery, event.queryStringParameters ?? {}, ['query']);
    const now = deps.now();
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
        ...(principal.county
          ? { scope: { county: principal.county, sees: (place) => seesPlace(principal, place) } }
          : {}),
      },
    );
    return json(200, report);
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
