/**
 * Import (issue 13, part 1): a county's sheet (XLSX or CSV) uploaded with its progress, checked first
 * (a dry run: new, updated, unchanged, rejected, nothing written), then imported; the rejected rows
 * listed by their row in the sheet and the column header as written there, with a Chinese message;
 * the rejected rows downloadable as XLSX to fix and import again, and the template with its drop-down
 * lists and 填写说明 sheet.
 */
import { Button, Form, Progress, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useEffect, useRef, useState } from 'react';
import { ApiError, getJson, qs, send, upload } from '../api.js';
import { integer, pickLanguage, toCsv } from '../format.js';
import { lang, t } from '../i18n.js';
import { errorReportRows, fileNameOf } from '../logic.js';
import type { PageProps } from '../page.js';
import {
  AlertBox,
  announce,
  Badge,
  DataTable,
  errorText,
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
  errors: { path?: string; column?: string; message: string }[];
}

export interface ImportReport {
  importId: string;
  mode: string;
  format: string;
  dryRun?: boolean;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warnings: string[];
  unknownColumns?: string[];
  errors: RowError[];
}

interface ImportJob {
  status: 'running' | 'done' | 'failed';
  processed?: number;
  total?: number;
}

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const stem = (name: string) => name.replace(/\.[^.]+$/, '');

export function ImportPage(_: PageProps) {
  useTitle(t('import.title'));
  const [file, setFile] = useState<File>();
  const [mode, setMode] = useState('register');
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ percent: number; text: string; done?: boolean }>();
  const [report, setReport] = useState<{ report: ImportReport; name: string }>();
  const fe = useFormErrors();
  const gone = useRef(new AbortController());
  useEffect(() => {
    const abort = gone.current;
    return () => abort.abort();
  }, []);

  const run = async (dryRun: boolean) => {
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
    setProgress({ percent: 0, text: t('import.uploading') });
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
              percent: Math.round((job.processed / job.total) * 100),
              text: t('import.processed', { n: job.processed, total: job.total }),
            });
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 404) return;
        }
      }
    };
    void poll();
    try {
      const r = await upload<ImportReport>(
        `/api/imports${qs({ mode, id, filename: file.name, dryRun: dryRun ? 'true' : undefined })}`,
        file,
        (sent, total) => {
          if (!finished && sent < total)
            setProgress({
              percent: Math.round((sent / total) * 100),
              text: t('import.uploadingPercent', { n: Math.round((sent / total) * 100) }),
            });
        },
      );
      finished = true;
      const done = t(dryRun ? 'import.checked' : 'import.done', { total: r.total, failed: r.failed });
      setProgress({ percent: 100, text: done, done: true });
      announce(done);
      setReport({ report: { ...r, dryRun }, name: file.name });
    } catch (error) {
      finished = true;
      setProgress(undefined);
      setAlert(fe.show(error));
    } finally {
      setBusy(false);
    }
  };

  const download = async (what: 'template' | 'rejected') => {
    setAlert(undefined);
    try {
      const response =
        what === 'template'
          ? await send('GET', '/api/imports/template')
          : await send('POST', `/api/imports/rejected${qs({ filename: file?.name })}`, {
              raw: file as File,
              headers: { 'content-type': 'application/octet-stream' },
            });
      const fallback =
        what === 'template'
          ? `${t('import.templateName')}.xlsx`
          : `${stem(file?.name ?? 'import')}-${t('import.rejectedSuffix')}.xlsx`;
      const name = fileNameOf(response.headers.get('content-disposition'), fallback);
      saveBlob(await response.blob(), name);
      announce(t('reports.downloaded', { name }));
    } catch (error) {
      setAlert(errorText(error));
    }
  };

  const fileList: UploadFile[] = file ? [{ uid: 'chosen', name: file.name, status: 'done' }] : [];
  return (
    <>
      <Heading>{t('import.title')}</Heading>
      <p className="lead">{t('import.lead')}</p>
      <p>
        <Button onClick={() => void download('template')}>{t('import.template')}</Button>
      </p>
      <fe.Provider>
        <Form layout="vertical" className="card" onFinish={() => void run(false)}>
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
                  setReport(undefined);
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
          <div className="actions">
            <Button onClick={() => void run(true)} disabled={busy}>
              {t('import.dryRun')}
            </Button>
            <Button type="primary" htmlType="submit" disabled={busy}>
              {t('import.submit')}
            </Button>
          </div>
          {progress ? (
            <Progress
              aria-label={t('import.progress')}
              percent={progress.percent}
              status={progress.done ? 'success' : 'active'}
            />
          ) : null}
          <p aria-live="polite" className="progress-text">
            {progress?.text ?? ''}
          </p>
        </Form>
      </fe.Provider>
      {report ? (
        <ImportResult
          report={report.report}
          fileName={report.name}
          onCommit={() => void run(false)}
          onRejected={() => void download('rejected')}
          busy={busy}
        />
      ) : null}
    </>
  );
}

function ImportResult({
  report,
  fileName,
  onCommit,
  onRejected,
  busy,
}: {
  report: ImportReport;
  fileName: string;
  onCommit: () => void;
  onRejected: () => void;
  busy: boolean;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const n = (v: number) => integer(v, lang());
  const header = [t('col.row'), t('col.column'), t('col.message')];
  const lines = report.errors.flatMap((r) => r.errors.map((e) => ({ row: r.row, ...e })));
  const dry = report.dryRun === true;
  return (
    <section aria-labelledby="imp-result">
      <h2 id="imp-result" tabIndex={-1} ref={heading}>
        {t(dry ? 'import.checkResult' : 'import.result')}
      </h2>
      {dry ? <p>{t('import.dryRunLead')}</p> : null}
      <Figures
        pairs={[
          [t('import.total'), n(report.total)],
          [t(dry ? 'import.wouldCreate' : 'import.created'), n(report.created)],
          [t(dry ? 'import.wouldUpdate' : 'import.updated'), n(report.updated)],
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
      {dry ? (
        <p>
          <Button type="primary" onClick={onCommit} disabled={busy}>
            {t('import.commit', { n: n(report.created + report.updated) })}
          </Button>
        </p>
      ) : null}
      {report.unknownColumns && report.unknownColumns.length > 0 ? (
        <div className="warnings">
          <h3>{t('import.unknownColumns')}</h3>
          <p>{report.unknownColumns.join('、')}</p>
        </div>
      ) : null}
      {report.warnings.length > 0 ? (
        <div className="warnings">
          <h3>{t('import.warnings')}</h3>
          <ul>
            {report.warnings.map((w) => (
              <li key={w}>{pickLanguage(w, lang())}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.errors.length > 0 ? (
        <div>
          <h3>{t('import.errors')}</h3>
          <div className="actions">
            <Button onClick={onRejected}>{t('import.downloadRejected')}</Button>
            <Button
              onClick={() =>
                saveBlob(
                  new Blob([toCsv(errorReportRows(report, header))], { type: 'text/csv;charset=utf-8' }),
                  `${stem(fileName)}-${t('import.errorFileSuffix')}.csv`,
                )
              }
            >
              {t('import.download')}
            </Button>
          </div>
          <DataTable
            caption={t('import.errorsCaption', { n: report.errors.length })}
            columns={[
              { key: 'col.row', cell: (l) => String(l.row), rowHeader: true, numeric: true },
              { key: 'col.column', cell: (l) => l.column ?? '—' },
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
