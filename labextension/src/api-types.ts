/**
 * Generated from authsome_nb/jupyter/rest-api.schema.json by `jlpm schema`: do not edit.
 * The server's route tests validate its real answers against the same schema.
 */

/**
 * One signed-in account, as Connection.to_dict() describes it (GET /authsome/api/connections).
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "Connection".
 */
export type Connection = AccountFacts & {
  /**
   * The access token does not expire (GitHub's OAuth app tokens, for example)
   */
  never_expires: boolean;
  client_id: string | null;
  authority: string | null;
};
/**
 * The account facts a notebook saves beside a card (authsome_nb/notebook/cards.py): a Connection without the app's client id and authority. Notebooks saved before never_expires was added lack it.
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "ConnectionFacts".
 */
export type ConnectionFacts = AccountFacts & {
  never_expires?: boolean;
};

/**
 * What the Jupyter server extension's /authsome/api answers and accepts, and the account facts a notebook saves beside its cards. One source for both sides: the JupyterLab extension's TypeScript types are generated from it (labextension: jlpm schema), and the server's real answers are validated against it in tests/jupyter. No shape here holds a token.
 */
export interface AuthsomeNbRESTAPI {
  [k: string]: unknown;
}
/**
 * The fields a connection and a saved card share: who, where, which scopes, until when. Never a token.
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "AccountFacts".
 */
export interface AccountFacts {
  /**
   * provider/connection
   */
  key: string;
  provider: string;
  connection: string;
  username: string | null;
  display_name: string | null;
  tenant_id: string | null;
  scopes: string[];
  /**
   * Unix seconds; null when there is no access token, or it never expires, or the connection has no expiry (an API key)
   */
  expires_at: number | null;
  created_at: number | null;
  last_refresh: number | null;
  /**
   * How it was signed in: pkce, device_code, jupyterhub, api_key …
   */
  flow: string | null;
  /**
   * Why the last silent refresh failed, or null
   */
  refresh_error: string | null;
}
/**
 * GET /authsome/api/connections
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "ConnectionList".
 */
export interface ConnectionList {
  connections: Connection[];
}
/**
 * application/vnd.authsome.connection+json: the account card of a finished sign-in
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "SavedCard".
 */
export interface SavedCard {
  version: 1;
  connection: ConnectionFacts;
  note?: string;
}
/**
 * application/vnd.authsome.connections+json: %authsome list's table
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "SavedTable".
 */
export interface SavedTable {
  version: 1;
  provider: string | null;
  connections: ConnectionFacts[];
}
/**
 * A provider defined as data, as the sidebar's sign-in form offers it
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "Provider".
 */
export interface Provider {
  name: string;
  display_name: string;
  services: string[];
  /**
   * It offers a device code (the sidebar's sign-in)
   */
  device_code: boolean;
}
/**
 * GET /authsome/api/providers
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "ProviderList".
 */
export interface ProviderList {
  providers: Provider[];
}
/**
 * POST /authsome/api/login: a device-code sign-in the server runs
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "SignInRequest".
 */
export interface SignInRequest {
  provider?: string;
  connection?: string;
  services?: string | string[];
  scopes?: string | string[];
  tenant?: string;
  force?: boolean;
}
/**
 * What the user types where: the device code is no secret
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "DeviceCodePrompt".
 */
export interface DeviceCodePrompt {
  user_code: string;
  verification_uri: string;
  message: string;
  expires_at: number;
}
/**
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "SignedInAccount".
 */
export interface SignedInAccount {
  username: string | null;
  display_name: string | null;
}
/**
 * POST /authsome/api/login, GET and DELETE /authsome/api/login/<id>: one sign-in, starting → waiting → signed_in | failed | cancelled
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "LoginJob".
 */
export interface LoginJob {
  id: string;
  provider: string;
  connection: string;
  status: 'starting' | 'waiting' | 'signed_in' | 'failed' | 'cancelled';
  message: string;
  device_code: DeviceCodePrompt | null;
  account: SignedInAccount | null;
  error: string | null;
  outcome: string | null;
  created_at: number;
  finished_at: number | null;
}
/**
 * Any /authsome/api answer with a 4xx or 5xx status
 *
 * This interface was referenced by `AuthsomeNbRESTAPI`'s JSON-Schema
 * via the `definition` "ErrorReply".
 */
export interface ErrorReply {
  message: string;
  reason?: string | null;
}
