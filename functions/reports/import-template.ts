import type { PolicyConfig } from '../../shared/config.js';
import { templateXlsx } from '../../shared/import/sheets.js';
import { requireRole } from '../api/auth.js';
import type { HttpEvent, HttpResult } from '../api/http.js';

/**
 * GET /api/reports/import-template: the county template with drop-down lists and a 填写说明 sheet
 * (issue 13, part 1). Served by the reports Lambda, which holds exceljs's writer; administrators only.
 */
export function importTemplateRoutes(deps: { policy: PolicyConfig }) {
  const templateRoute = async (event: HttpEvent): Promise<HttpResult> => {
    requireRole(event, 'cityAdmin', 'countyAdmin');
    const bytes = await templateXlsx(deps.policy);
    return {
      statusCode: 200,
      headers: {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="register-template.xlsx"; filename*=UTF-8''${encodeURIComponent('特殊困难老年人登记表模板.xlsx')}`,
        'cache-control': 'no-store',
      },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    };
  };
  return [{ method: 'GET', path: '/api/reports/import-template', handler: templateRoute }] as const;
}
