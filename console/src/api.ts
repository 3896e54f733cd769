/** The console's HTTP client: bearer token, JSON, and the API's {errors:[{path,message}]} as ApiError. */

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

interface ClientState {
  base: string;
  token: string | undefined;
  onUnauthorized: () => void;
}

const state: ClientState = { base: '', token: undefined, onUnauthorized: () => undefined };

export function configureApi(options: Partial<ClientState>): void {
  Object.assign(state, options);
}

export const hasToken = () => state.token !== undefined;

async function errorsOf(response: Response): Promise<FieldError[]> {
  try {
    const body = (await response.json()) as { errors?: FieldError[]; message?: string };
    if (Array.isArray(body.errors)) return body.errors;
    if (typeof body.message === 'string') return [{ path: '', message: body.message }];
  } catch {
    // not JSON: the status says it
  }
  return [];
}

export interface RequestOptions {
  body?: unknown;
  /** raw bytes (an upload) instead of JSON */
  raw?: Blob;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends a request; resolves with the Response when it is 2xx, rejects with ApiError otherwise. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  let body: BodyInit | undefined;
  if (options.raw) body = options.raw;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(`${state.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, []);
  }
  if (response.ok) return response;
  const errors = await errorsOf(response);
  if (response.status === 401 && state.token) state.onUnauthorized();
  throw new ApiError(response.status, errors);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await send('GET', path, signal ? { signal } : {})).json()) as T;
}

export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await send('POST', path, { body });
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export async function patchJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await send('PATCH', path, { body })).json()) as T;
}

/** Builds a query string from the defined values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Uploads a file with the progress of its bytes (fetch cannot tell it): resolves with the answer's
 * JSON when it is 2xx, rejects with ApiError otherwise, as `send` does.
 */
export function upload<T>(
  path: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${state.base}${path}`);
    xhr.setRequestHeader('accept', 'application/json');
    // octet-stream keeps the bytes as they are (a GBK CSV stays GBK); the name tells CSV from XLSX
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (state.token) xhr.setRequestHeader('authorization', `Bearer ${state.token}`);
    xhr.upload.onprogress = (event) =>
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, []));
    xhr.onload = () => {
      let body: { errors?: FieldError[]; message?: string } | undefined;
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T);
        return;
      }
      const errors = Array.isArray(body?.errors)
        ? body.errors
        : typeof body?.message === 'string'
          ? [{ path: '', message: body.message }]
          : [];
      if (xhr.status === 401 && state.token) state.onUnauthorized();
      reject(new ApiError(xhr.status, errors));
    };
    xhr.send(file);
  });
}
