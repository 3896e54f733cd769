/**
 * Import: upload a county's CSV or XLSX sheet (POST /api/imports, the file as the body), follow its
 * progress (GET /api/imports/{id}), read the error report by row and download it as CSV.
 */
import { Button, Form, Progress, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useEffect, useRef, useState } from 'react';
import { ApiError, getJson, qs, send } from '../api.js';
import { integer, pickLanguage, toCsv } from '../format.js';
import { lang, t } from '../i18n.js';
import { errorReportRows } from '../logic.js';
import type { PageProps } from '../page.js';
import {
  AlertBox,
  announce,
  Badge,
  DataTable,
  Field,
  Figures,
  Heading,
  saveBlob,
  useFormErrors,
  useTitle,
} from '../ui.js';
import { Options } from './elder-bits.js';

interface RowError {
  row: number;
  errors: { path: string; column?: string; message: string }[];
}

export interface ImportReport {
  importId: string;
  mode: string;
  format: string;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warnings: string[];
  errors: RowError[];
}

interface ImportJob {
  status: 'running' | 'done' | 'failed';
  processed?: number;
  total?: number;
}

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function ImportPage(_: PageProps) {
  useTitle(t('import.title'));
  const [file, setFile] = useState<File>();
  const [mode, setMode] = useState('register');
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ shown: boolean; done?: number; total?: number; text: string }>({
    shown: false,
    text: '',
  });
  const [report, setReport] = useState<{ report: ImportReport; name: string }>();
  const fe = useFormErrors();
  const gone = useRef(new AbortController());
  useEffect(() => () => gone.current.abort(), []);

  const submit = async () => {
    if (!file) {
      setAlert(t('import.noFile'));
      document.querySelector<HTMLInputElement>('input[name=file]')?.focus();
      return;
    }
    setAlert(undefined);
    fe.clear();
    setReport(undefined);
    const id = crypto.randomUUID();
    setBusy(true);
    setProgress({ shown: true, text: t('import.uploading') });
    let finished = false;
    const signal = gone.current.signal;
    // the import runs inside the upload request; its job record says how far it got meanwhile
    const poll = async () => {
      while (!finished && !signal.aborted) {
        await new Promise((r) => setTimeout(r, 800));
        if (finished) return;
        try {
          const job = await getJson<ImportJob>(`/api/imports/${id}`, signal);
          if (job.total && job.processed !== undefined && !finished)
            setProgress({
              shown: true,
              done: job.processed,
              total: job.total,
              text: t('import.processed', { n: job.processed, total: job.total }),
            });
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 404) return;
        }
      }
    };
    void poll();
    try {
      const response = await send('POST', `/api/imports${qs({ mode, id, filename: file.name })}`, {
        raw: file,
        // octet-stream keeps the bytes as they are (a GBK CSV stays GBK); the name tells CSV from XLSX
        headers: { 'content-type': 'application/octet-stream' },
      });
      const r = (await response.json()) as ImportReport;
      finished = true;
      const done = t('import.done', { total: r.total, failed: r.failed });
      setProgress({ shown: true, done: 1, total: 1, text: done });
      announce(done);
      setReport({ report: r, name: file.name });
    } catch (error) {
      finished = true;
      setProgress({ shown: false, text: '' });
      setAlert(fe.show(error));
    } finally {
      setBusy(false);
    }
  };

  const fileList: UploadFile[] = file ? [{ uid: 'chosen', name: file.name, status: 'done' }] : [];
  const percent =
    progress.total && progress.done !== undefined
      ? Math.round((progress.done / progress.total) * 100)
      : undefined;
  return (
    <>
      <Heading>{t('import.title')}</Heading>
      <p className="lead">{t('import.lead')}</p>
      <fe.Provider>
        <Form layout="vertical" className="card" onFinish={submit}>
          <AlertBox text={alert} />
          <Field label={t('import.file')} path="file" hint={t('import.fileHint')} required>
            {(p) => (
              <Upload
                id={p.id}
                name="file"
                accept={ACCEPT}
                maxCount={1}
                fileList={fileList}
                beforeUpload={(f) => {
                  setFile(f);
                  return false;
                }}
                onRemove={() => setFile(undefined)}
              >
                <Button aria-describedby={p['aria-describedby']}>{t('import.choose')}</Button>
              </Upload>
            )}
          </Field>
          <Field label={t('import.mode')} path="query.mode">
            {(p) => (
              <select {...p} name="mode" value={mode} onChange={(e) => setMode(e.target.value)}>
                <Options
                  options={[
                    { value: 'register', label: t('import.mode.register') },
                    { value: 'merge', label: t('import.mode.merge') },
                  ]}
                />
              </select>
            )}
          </Field>
          <Button type="primary" htmlType="submit" disabled={busy}>
            {t('import.submit')}
          </Button>
          {progress.shown ? (
            <Progress
              aria-label={t('import.progress')}
              percent={percent ?? 0}
              status={percent === undefined || percent < 100 ? 'active' : 'success'}
            />
          ) : null}
          <p aria-live="polite" className="progress-text">
            {progress.text}
          </p>
        </Form>
      </fe.Provider>
      {report ? <ImportResult report={report.report} fileName={report.name} /> : null}
    </>
  );
}

function ImportResult({ report, fileName }: { report: ImportReport; fileName: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const n = (v: number) => integer(v, lang());
  const header = [t('col.row'), t('col.column'), t('col.field'), t('col.message')];
  const lines = report.errors.flatMap((r) => r.errors.map((e) => ({ row: r.row, ...e })));
  return (
    <section aria-labelledby="imp-result">
      <h2 id="imp-result" tabIndex={-1} ref={heading}>
        {t('import.result')}
      </h2>
      <Figures
        pairs={[
          [t('import.total'), n(report.total)],
          [t('import.created'), n(report.created)],
          [t('import.updated'), n(report.updated)],
          [t('import.unchanged'), n(report.unchanged)],
          [
            t('import.failed'),
            report.failed > 0 ? (
              <Badge key="f" text={n(report.failed)} tone="bad" />
            ) : (
              <Badge key="f" text={n(0)} tone="ok" />
            ),
          ],
        ]}
      />
      {report.warnings.length > 0 ? (
        <div className="warnings">
          <h3>{t('import.warnings')}</h3>
          <ul>
            {report.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.errors.length > 0 ? (
        <div>
          <h3>{t('import.errors')}</h3>
          <Button
            onClick={() =>
              saveBlob(
                new Blob([toCsv(errorReportRows(report, header))], { type: 'text/csv;charset=utf-8' }),
                `${fileName.replace(/\.[^.]+$/, '')}-${t('import.errorFileSuffix')}.csv`,
              )
            }
          >
            {t('import.download')}
          </Button>
          <DataTable
            caption={t('import.errorsCaption', { n: report.errors.length })}
            columns={[
              { key: 'col.row', cell: (l) => String(l.row), rowHeader: true, numeric: true },
              { key: 'col.column', cell: (l) => l.column ?? '—' },
              { key: 'col.field', cell: (l) => l.path },
              { key: 'col.message', cell: (l) => pickLanguage(l.message, lang()) },
            ]}
            rows={lines}
          />
        </div>
      ) : (
        <p>
          <Badge text={t('import.noErrors')} tone="ok" />
        </p>
      )}
    </section>
  );
}
