/**
 * The server extension's REST API (`/authsome/api/...`), through Jupyter's own
 * `ServerConnection` so the token, cookies and XSRF header are handled as for any
 * other Jupyter request. Nothing here ever receives a token: the server sends
 * account metadata only.
 *
 * The shapes are generated (`api-types.ts`) from the JSON Schema that the server's
 * tests validate its real answers against.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type {
  Connection,
  ConnectionList,
  ErrorReply,
  LoginJob,
  Provider,
  ProviderList,
  SignInRequest
} from './api-types';

export type {
  Connection,
  ConnectionFacts,
  LoginJob,
  Provider,
  SavedCard,
  SavedTable,
  SignInRequest
} from './api-types';

/** The schema id of the server's "connections changed" event (see `_extension.py`). */
export const CONNECTIONS_EVENT = 'https://events.authsome-nb.github.io/connections/v1';

/**
 * An answer that is not the API's JSON: a proxy's or a login page's HTML, a gateway's
 * error text. Said in our words, with the status and the start of what came instead.
 */
export class NotOurAnswerError extends ServerConnection.ResponseError {
  constructor(response: Response, body: string) {
    const what = response.headers.get('Content-Type')?.split(';')[0].trim() || 'no content type';
    const first = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 120);
    const status = `${response.status} ${response.statusText}`.trim();
    super(
      response,
      `The server answered ${status} with ${what}, not authsome_nb's API` +
        (first ? ` ("${first}")` : '') +
        ': is the authsome_nb server extension enabled, and is a proxy or a sign-in page in between?'
    );
    this.name = 'NotOurAnswerError';
  }
}

/** The body as JSON, or `undefined` when it is not JSON (an empty body is `null`). */
function parseJson(text: string): unknown {
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(data: unknown): string | null {
  const message = (data as Partial<ErrorReply> | null)?.message;
  return typeof message === 'string' && message ? message : null;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'authsome/api', path);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw error instanceof ServerConnection.NetworkError
      ? error
      : new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  const data = parseJson(text);
  if (data === undefined) {
    throw new NotOurAnswerError(response, text);
  }
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, messageOf(data) || response.statusText);
  }
  return data as T;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

export async function listConnections(): Promise<Connection[]> {
  const data = await call<ConnectionList>('connections');
  return data.connections;
}

export async function listProviders(): Promise<Provider[]> {
  const data = await call<ProviderList>('providers');
  return data.providers;
}

export async function signOut(provider: string, connection: string): Promise<void> {
  await call(`connections/${segment(provider)}/${segment(connection)}`, {
    method: 'DELETE'
  });
}

export function startSignIn(request: SignInRequest): Promise<LoginJob> {
  return call<LoginJob>('login', { method: 'POST', body: JSON.stringify(request) });
}

export function signInStatus(id: string): Promise<LoginJob> {
  return call<LoginJob>(`login/${segment(id)}`);
}

export function cancelSignIn(id: string): Promise<LoginJob> {
  return call<LoginJob>(`login/${segment(id)}`, { method: 'DELETE' });
}
