// The one way the UI talks to the server: the admin REST API under /api/v1. Every unsafe request carries the
// session's CSRF token; a 401 on any call but sign-in means the session ended, which sends the admin back to
// the sign-in screen with a message.

export interface ApiErrorBody {
  code: string;
  message: string;
  fields?: Record<string, string>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSessionEnded: (() => void) | undefined;

export const setCsrfToken = (token: string) => {
  csrfToken = token;
};
export const whenSessionEnds = (handler: () => void) => {
  onSessionEnded = handler;
};

interface Options {
  /** A body sent as it is (a CSV file), with this content type. */
  raw?: { body: Blob | string; contentType: string };
  /** A 401 answer is the caller's to show (sign-in, accept invitation), not an ended session. */
  expect401?: boolean;
}

export async function api<T>(method: string, path: string, body?: unknown, options: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.contentType;
    payload = options.raw.body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) return json as T;
  const error = (json as { error?: ApiErrorBody } | undefined)?.error;
  if (res.status === 401 && !options.expect401) onSessionEnded?.();
  let message = error?.message ?? `The server answered ${res.status}.`;
  if (res.status === 429) {
    const retry = res.headers.get('retry-after');
    if (retry) message += ` Try again in ${retry} seconds.`;
  }
  throw new ApiError(res.status, error?.code ?? 'internal', message, error?.fields ?? {});
}

/** A query string from the values that are set (empty strings and undefined are left out). */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const companyPath = (companyId: string, rest: string) => `/companies/${encodeURIComponent(companyId)}${rest}`;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
