import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { msg } from '../../shared/i18n/messages.js';
import { ageOn } from '../../shared/policy/age.js';
import {
  maskIdNumber,
  maskPhoneNumber,
  STATUS_LABELS,
  searchQuerySchema,
} from '../../shared/register/search.js';
import { allMatching, readRows, type SearchDeps } from '../../shared/register/search-service.js';
import type { Sheet } from '../../shared/reports/table.js';
import { type ExportEntry, recordExport } from '../../shared/store/exports.js';
import { isoInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { actorOfPrincipal, countiesInScope, principalOf, townshipInScope } from '../api/auth.js';
import type { HttpEvent, HttpResult } from '../api/http.js';
import { download } from './routes.js';

const GENDER = { male: '男', female: '女' } as const;
const CONSENT = { accepted: '接受', refused: '拒绝' } as const;
const HEADERS = [
  '序号',
  '姓名',
  '性别',
  '出生日期',
  '年龄',
  '身份证号',
  '联系电话',
  '县（市、区）',
  '镇（街道）',
  '村（居）',
  '类别',
  '状态',
  '接受服务意愿',
  '已结对探访关爱服务联系人',
] as const;

/** The national form of a stored number, whole: 13800138000, 07503123456. */
const wholePhone = (e164: string) => {
  const rest = e164.replace(/^\+86/, '');
  return rest.startsWith('1') ? rest : `0${rest}`;
};

/**
 * GET /api/reports/register: the filtered register as XLSX (issue 13, part 2), in the reports Lambda
 * with the other spreadsheets. The query is the search's (without pages). ID numbers and phone numbers
 * are whole for administrators and masked for township operators; the export is on the audit trail
 * (GET /api/exports) before the file is handed out, so no file leaves unrecorded.
 */
export function registerExportRoutes(deps: SearchDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const query = searchQuerySchema.omit({ page: true, pageSize: true }).extend({
    county: z
      .string()
      .refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'))
      .optional(),
  });
  const countyName = (c: string) => deps.policy.counties[c]?.zh ?? c;

  const exportRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = { ...parseOrThrow(query, event.queryStringParameters ?? {}, ['query']), page: 1, pageSize: 1 };
    const scope = {
      counties: countiesInScope(principal, counties, q.county),
      township: townshipInScope(principal, q.township),
    };
    const { today, rows, overdue } = await readRows(deps, principal, scope, q);
    const found = allMatching(rows, q, overdue);
    const unmasked = principal.role !== 'townshipOperator';
    const now = deps.now();
    const { q: text, page: _page, pageSize: _size, ...filters } = q;
    const entry: ExportEntry = {
      id: randomUUID(),
      at: isoInPolicyZone(now),
      actor: actorOfPrincipal(principal, now).actor,
      ...(scope.counties.length === 1 ? { county: scope.counties[0] } : {}),
      // the filters as asked; free text only as "given" (it may be a name or a number)
      query: Object.fromEntries(
        Object.entries({ ...filters, ...(text ? { text: true } : {}) }).filter(([, v]) => v !== undefined),
      ) as ExportEntry['query'],
      rows: found.length,
      unmasked,
    };
    await recordExport(deps.db, entry);
    const place =
      scope.counties.length === 1
        ? `${countyName(scope.counties[0] as string)}${scope.township ?? ''}`
        : '江门市';
    const sheet: Sheet = {
      title: `${place}特殊困难老年人名册（${today} 导出）`,
      headers: HEADERS,
      rows: found.map((r, i) => [
        i + 1,
        r.name,
        GENDER[r.gender],
        r.birthDate,
        ageOn(r.birthDate, today),
        r.idNumber ? (unmasked ? r.idNumber : maskIdNumber(r.idNumber)) : null,
        unmasked ? wholePhone(r.phone) : maskPhoneNumber(r.phone),
        countyName(r.region.county),
        r.region.township,
        r.region.village,
        `${r.category}类`,
        STATUS_LABELS[r.status],
        CONSENT[r.consent],
        r.contactId ? '是' : '否',
      ]),
      percentColumns: [],
      fileName: `${place}特殊困难老年人名册-${today}`,
    };
    return download(sheet, 'xlsx', `register-${today}`);
  };

  return [{ method: 'GET', path: '/api/reports/register', handler: exportRoute }] as const;
}
