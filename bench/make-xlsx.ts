/**
 * Synthetic county spreadsheets for the import benchmark: made-up people (测试老人N, phones 1380013xxxx,
 * ID numbers built with makeIdNumber), spread over Jiangmen's seven counties, with a share of bad rows.
 * Run alone to write one: `npx tsx bench/make-xlsx.ts 10000` (written under bench/out/).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { makeIdNumber } from '../shared/registration/id-number.js';

const COUNTIES = ['440703', '440704', '440705', '440781', '440783', '440784', '440785'] as const;
const COUNTY_NAMES = ['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市'] as const;
const LIVING = ['独居', '两老共同居住', '与子女同住', '其他', '老年夫妻', '与家人同住'] as const;
const ABILITY = ['能力完好', '', '轻度失能', '', '中度失能', '重度失能', '完全失能', ''] as const;
const DISABILITY = ['', '', '', '一级', '', '二级', '', '三级', '', '4'] as const;
const RELATIONS = ['子女', '亲属', '邻居', '村（居）委'] as const;

export const HEADERS = [
  '姓名',
  '性别',
  '出生日期',
  '身份证号',
  '联系电话',
  '住址',
  '县（市、区）',
  '镇（街道）',
  '村（居）',
  '居住情况',
  '空巢',
  '留守',
  '失能等级',
  '失智',
  '残疾等级',
  '低保',
  '计划生育特殊家庭',
  '长期照料失能失智子女',
  '同住老人失能失智残疾',
  '语言',
  '回访方式',
  '紧急联系人',
  '紧急联系人关系',
  '紧急联系人电话',
  '是否接受服务',
  '拒绝日期',
  '拒绝说明',
  '记录人',
  '备注',
] as const;

/** The kinds of bad row the sheet holds, one in every `badEvery` rows, in turn. */
export const DEFECTS = ['gender', 'phone', 'idChecksum', 'underAge', 'duplicate', 'living'] as const;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const DAY = 86_400_000;
const FIRST_BIRTH = Date.UTC(1926, 0, 1);

/** One synthetic row of the county template (cells in HEADERS order). */
export function syntheticRow(i: number, badEvery = 50): (string | Date | number)[] {
  const county = i % COUNTIES.length;
  const code = COUNTIES[county] as string;
  const k = Math.floor(i / COUNTIES.length);
  // distinct birth dates within a county, from 1926 to 1964 (all 60 or over in 2025)
  const birth = new Date(FIRST_BIRTH + ((k * 9) % 14_000) * DAY);
  const birthDate = birth.toISOString().slice(0, 10);
  const male = i % 2 === 0;
  const seq = (k % 500) * 2 + (male ? 1 : 0);
  const living = LIVING[i % LIVING.length] as string;
  const couple = living === '两老共同居住' || living === '老年夫妻';
  const refused = i % 97 === 13;
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  // birth dates come in every form counties use: date cells, YYYY/M/D and YYYY年M月D日 text
  const birthCell: string | Date =
    i % 5 === 3 ? `${y}/${m}/${d}` : i % 5 === 4 ? `${y}年${m}月${d}日` : birth;
  const cells: (string | Date | number)[] = [
    `测试老人${i + 1}`,
    male ? '男' : '女',
    birthCell,
    makeIdNumber(code, birthDate, seq),
    `1380013${pad(i % 10_000, 4)}`,
    `江门市测试路${i + 1}号`,
    i % 3 === 0 ? (COUNTY_NAMES[county] as string) : code,
    `测试镇${(k % 12) + 1}`,
    `测试村${(k % 40) + 1}`,
    living,
    i % 4 === 0 ? '是' : '否',
    i % 11 === 0 ? '√' : '',
    ABILITY[i % ABILITY.length] as string,
    i % 17 === 0 ? 'Y' : 'N',
    DISABILITY[i % DISABILITY.length] as string,
    i % 9 === 0 ? '1' : '0',
    i % 23 === 0 ? '是' : '否',
    i % 31 === 0 ? '是' : '',
    couple && i % 3 === 0 ? '是' : '',
    i % 6 === 0 ? '普通话' : '粤语',
    i % 8 === 0 ? '短信' : '电话',
    `测试家属${i + 1}`,
    RELATIONS[i % RELATIONS.length] as string,
    `1380013${pad((i + 5000) % 10_000, 4)}`,
    refused ? '否' : '是',
    refused ? '2025-03-01' : '',
    refused ? '本人表示暂不需要' : '',
    refused ? '测试社工' : '',
    '',
  ];
  if (badEvery > 0 && i % badEvery === badEvery - 1) {
    const defect = DEFECTS[Math.floor(i / badEvery) % DEFECTS.length];
    // the same person as the row before (same ID number): a duplicate inside the file
    if (defect === 'duplicate') return syntheticRow(i - 1, 0);
    spoil(cells, defect);
  }
  return cells;
}

function spoil(cells: (string | Date | number)[], defect: (typeof DEFECTS)[number] | undefined): void {
  switch (defect) {
    case 'gender':
      cells[1] = '未知';
      break;
    case 'phone':
      cells[4] = '12345';
      break;
    case 'idChecksum': {
      const id = String(cells[3]);
      cells[3] = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
      break;
    }
    case 'underAge': {
      cells[2] = '1985-05-05';
      cells[3] = '';
      break;
    }
    case 'living':
      cells[9] = '不详';
      break;
    default:
      break;
  }
}

/**
 * Writes a synthetic county sheet as XLSX (streaming writer: memory stays flat for big sheets).
 * A title row sits above the header, as in the counties' own templates.
 */
export async function makeRegistrationXlsx(options: { rows: number; badEvery?: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: true,
  });
  const sheet = workbook.addWorksheet('登记表');
  sheet.addRow(['江门市特殊困难老年人基本信息登记表（测试数据）']).commit();
  sheet.addRow([...HEADERS]).commit();
  for (let i = 0; i < options.rows; i++) {
    const row = sheet.addRow(syntheticRow(i, options.badEvery ?? 50));
    row.getCell(3).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}

/** Where generated sheets go (git-ignored). */
export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 10_000);
  const { writeFile } = await import('node:fs/promises');
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, `registration-${rows}.xlsx`);
  await writeFile(path, await makeRegistrationXlsx({ rows }));
  console.log(`wrote ${path}`);
}
