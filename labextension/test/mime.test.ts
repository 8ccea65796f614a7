/**
 * The notebook's account cards and connection tables: saved facts shown at once, then the
 * store followed — and never "signed out" from a list older than the card.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Connection, ConnectionFacts } from '../src/api';
import { sharedModel } from '../src/live';
import extension, {
  CONNECTION_MIME,
  CONNECTIONS_MIME,
  ConnectionCard,
  ConnectionsTableView
} from '../src/mime';
import { connection, FakeServer, settle } from './fake-server';

let server: FakeServer;

function facts(c: Connection): ConnectionFacts {
  const { client_id: _client, authority: _authority, ...saved } = c;
  return saved;
}

function output(mimeType: string, data: unknown): IRenderMime.IMimeModel {
  return { data: { [mimeType]: data }, metadata: {}, trusted: false } as IRenderMime.IMimeModel;
}

/** A card as JupyterLab makes one for an output, with the states its badge went through. */
async function showCard(
  c: Connection,
  note = ''
): Promise<{ card: ConnectionCard; states: string[] }> {
  const card = extension.rendererFactory.createRenderer({
    mimeType: CONNECTION_MIME,
    sanitizer: {} as IRenderMime.ISanitizer,
    resolver: null,
    linkHandler: null,
    latexTypesetter: null
  }) as ConnectionCard;
  const states: string[] = [];
  new MutationObserver(() => states.push(card.node.dataset.state ?? '')).observe(card.node, {
    attributes: true,
    attributeFilter: ['data-state']
  });
  await card.renderModel(output(CONNECTION_MIME, { version: 1, connection: facts(c), note }));
  return { card, states };
}

/** The page's model, started: its first list fetched. */
async function page(): Promise<void> {
  sharedModel();
  await settle();
}

beforeEach(() => {
  server = new FakeServer().install();
});

afterEach(() => {
  sharedModel().dispose();
});

describe('the account card', () => {
  it('of the very first sign-in never says "signed out", and agrees with the status', async () => {
    await page(); // nobody signed in when the page loaded
    expect(sharedModel().defaultConnection).toBeNull();
    const megan = connection();
    server.connections = [megan]; // the kernel signs in, then shows its card
    const { card, states } = await showCard(megan);
    expect(card.node.dataset.state).toBe('signed in');
    await settle();
    expect(states).not.toContain('signed out');
    expect(card.node.dataset.state).toBe('signed in');
    expect(card.node.querySelector('button')?.textContent).toBe('Sign out'); // live now
    expect(sharedModel().defaultConnection?.username).toBe(megan.username);
    card.dispose();
  });

  it('says "signed out" once a list fetched after it lacks the connection', async () => {
    await page();
    const { card } = await showCard(connection({ connection: 'work' }));
    await settle();
    expect(card.node.dataset.state).toBe('signed out');
    expect(card.node.textContent).toContain('Sign in again: %authsome login microsoft work');
    expect(card.node.textContent).toContain('removed from the store');
    card.dispose();
  });

  it('shows the saved facts while the server cannot be asked', async () => {
    server.answer.set('GET connections', () => new Response('Bad gateway', { status: 502 }));
    await page();
    const { card } = await showCard(connection(), 'Signed in with a device code.');
    await settle();
    expect(card.node.dataset.state).toBe('signed in');
    expect(card.node.textContent).toContain('As saved in this notebook.');
    expect(card.node.textContent).toContain('Signed in with a device code.');
    expect(card.node.querySelector('button')).toBeNull(); // no sign-out it cannot do
    card.dispose();
  });

  it('follows the store: a sign-out and a new sign-in elsewhere reach it', async () => {
    server.connections = [connection()];
    await page();
    const { card } = await showCard(connection());
    await settle();
    expect(card.node.dataset.state).toBe('signed in');
    server.connections = [];
    await sharedModel().refresh();
    expect(card.node.dataset.state).toBe('signed out');
    server.connections = [connection({ username: 'adele@contoso.example', display_name: 'Adele' })];
    await sharedModel().refresh();
    expect(card.node.dataset.state).toBe('signed in');
    expect(card.node.querySelector('.authsome-Name')?.textContent).toBe('Adele');
    card.dispose();
  });

  it('turns to "refresh failed" with the reason, not a stale expiry', async () => {
    const failing = connection({ refresh_error: 'AADSTS70008: the refresh token expired' });
    server.connections = [failing];
    await page();
    const { card } = await showCard(connection());
    await settle();
    expect(card.node.dataset.state).toBe('refresh failed');
    expect(card.node.textContent).toContain('AADSTS70008');
    expect(card.node.textContent).toContain('refresh failed: sign in again');
    expect(card.node.textContent).not.toContain('expires in');
    card.dispose();
  });

  it("offers no sign-out for JupyterHub's own sign-in", async () => {
    const hub = connection({ connection: 'hub', flow: 'jupyterhub' });
    server.connections = [hub];
    await page();
    const { card } = await showCard(hub);
    await settle();
    expect(card.node.querySelector('button')).toBeNull();
    expect(card.node.textContent).toContain('log out of the Hub');
    card.dispose();
  });

  it('shows an API key without an expiry as such, and can sign it out', async () => {
    const key = connection({
      provider: 'openai',
      flow: 'api_key',
      expires_at: null,
      scopes: [],
      tenant_id: null
    });
    server.connections = [key];
    await page();
    const { card } = await showCard(key);
    await settle();
    expect(card.node.dataset.state).toBe('signed in');
    expect(card.node.textContent).toContain('API key, no expiry');
    expect(card.node.textContent).not.toContain('no access token');
    expect(card.node.querySelector('button')?.textContent).toBe('Sign out');
    card.dispose();
  });

  it('puts names in as text: saved facts cannot inject markup', async () => {
    const evil = connection({ display_name: '<img src=x onerror="alert(1)">Eve' });
    server.connections = [evil];
    await page();
    const { card } = await showCard(evil);
    await settle();
    expect(card.node.querySelector('img')).toBeNull();
    expect(card.node.querySelector('.authsome-Name')?.textContent).toBe(evil.display_name);
    card.dispose();
  });
});

describe('the connections table', () => {
  async function showTable(saved: Connection[], provider: string | null = null) {
    const table = extension.rendererFactory.createRenderer({
      mimeType: CONNECTIONS_MIME
    } as IRenderMime.IRendererOptions) as ConnectionsTableView;
    await table.renderModel(
      output(CONNECTIONS_MIME, { version: 1, provider, connections: saved.map(facts) })
    );
    return table;
  }

  function rows(table: ConnectionsTableView): string[] {
    return [...table.node.querySelectorAll('tr[data-key]')].map(r => r.getAttribute('data-key')!);
  }

  it('keeps its saved rows until a list newer than it came, then follows the store', async () => {
    await page(); // nobody signed in when the page loaded
    const megan = connection();
    server.connections = [megan]; // a kernel signs in and lists
    const release = server.holdListing();
    const table = await showTable([megan]);
    expect(rows(table)).toEqual(['microsoft/default']); // not "No connections yet"
    expect(table.node.textContent).toContain('As saved in this notebook.');
    release();
    await settle();
    expect(rows(table)).toEqual(['microsoft/default']);
    expect(table.node.textContent).toContain('Follows the store.');
    server.connections = [megan, connection({ connection: 'work' })];
    await sharedModel().refresh();
    expect(rows(table)).toEqual(['microsoft/default', 'microsoft/work']);
    table.dispose();
  });

  it('shows only the provider it was asked for, and says when there is none', async () => {
    server.connections = [connection(), connection({ provider: 'github' })];
    await page();
    const table = await showTable([], 'github');
    await settle();
    expect(rows(table)).toEqual(['github/default']);
    server.connections = [connection()];
    await sharedModel().refresh();
    expect(table.node.textContent).toContain('No connections yet');
    table.dispose();
  });
});
