/**
 * exceljs's streaming XLSX writer on its own: importing the package root would bundle the reader,
 * the CSV support and their dependencies too (about 1 MB minified) into the reports Lambda.
 */
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type { stream } from 'exceljs';

  const WorkbookWriter: typeof stream.xlsx.WorkbookWriter;
  export default WorkbookWriter;
}
