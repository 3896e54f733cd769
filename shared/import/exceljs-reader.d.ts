/**
 * exceljs's streaming XLSX reader on its own: importing the package root would bundle the writer,
 * the CSV support and their dependencies too (about 1 MB minified) into the imports Lambda.
 */
declare module 'exceljs/lib/stream/xlsx/workbook-reader.js' {
  import type { stream } from 'exceljs';

  const WorkbookReader: typeof stream.xlsx.WorkbookReader;
  export default WorkbookReader;
}
