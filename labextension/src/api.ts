/**
 * The server extension's REST API (`/authsome/api/...`), through Jupyter's own
 * `ServerConnection` so the token, cookies and XSRF header are handled as for any
 * other Jupyter request. Nothing here ever receives a token: the server sends
 * account metadata only.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** One signed-in account, as `Connection.to_dict()` describes it. */
export interface IConnection {
  key: string;
  provider: string;
  connection: string;
  username: string | null;
  display_name: string | null;
  tenant_id: string | null;
  scopes: string[];
  expires_at: number | null;
  never_expires?: boolean; // GitHub's OAuth app tokens, for example
  created_at: number | null;
  last_refresh: number | null;
  flow: string | null;
  refresh_error: string | null;
}

/** A device-code sign-in the server runs for the panel. */
export interface ILoginJob {
  id: string;
  provider: string;
  connection: string;
  status: 'starting' | 'waiting' | 'signed_in' | 'failed' | 'cancelled';
  message: string;
  device_code: {
    user_code: string;
    verification_uri: string;
    message: string;
    expires_at: number;
  } | null;
  account: { username: string | null; display_name: string | null } | null;
  error: string | null;
  outcome: string | null;
}

/** A provider defined as data, as the sign-in form offers it. */
export interface IProvider {
  name: string;
  display_name: string;
  services: string[];
  device_code: boolean; // the sidebar's sign-in is a device code
}

export interface ISignInRequest {
  provider?: string;
  connection?: string;
  services?: string;
  force?: boolean;
}

/** The schema id of the server's "connections changed" event (see `_extension.py`). */
export const CONNECTIONS_EVENT = 'https://events.authsome-nb.github.io/connections/v1';

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'authsome/api', path);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ServerConnection.ResponseError(
      response,
      (data && data.message) || response.statusText
    );
  }
  return data as T;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

export async function listConnections(): Promise<IConnection[]> {
  const data = await call<{ connections: IConnection[] }>('connections');
  return data.connections;
}

export async function listProviders(): Promise<IProvider[]> {
  const data = await call<{ providers: IProvider[] }>('providers');
  return data.providers;
}

export async function signOut(provider: string, connection: string): Promise<void> {
  await call(`connections/${segment(provider)}/${segment(connection)}`, {
    method: 'DELETE'
  });
}

export function startSignIn(request: ISignInRequest): Promise<ILoginJob> {
  return call<ILoginJob>('login', { method: 'POST', body: JSON.stringify(request) });
}

export function signInStatus(id: string): Promise<ILoginJob> {
  return call<ILoginJob>(`login/${segment(id)}`);
}

export function cancelSignIn(id: string): Promise<ILoginJob> {
  return call<ILoginJob>(`login/${segment(id)}`, { method: 'DELETE' });
}
