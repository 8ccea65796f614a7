/** The status-bar item and the sidebar, fed by the shared model. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ConnectionsModel } from '../src/model';
import { ConnectionsPanel } from '../src/panel';
import { ConnectionsStatus } from '../src/status';
import { connection, FakeServer, settle } from './fake-server';

let server: FakeServer;
let model: ConnectionsModel;

beforeEach(async () => {
  server = new FakeServer().install();
  model = new ConnectionsModel();
  await settle();
});

afterEach(() => {
  model.dispose();
});

describe('the status bar', () => {
  it('names the default connection, counts the others, and warns of a failed refresh', async () => {
    const status = new ConnectionsStatus(model, vi.fn());
    const text = () => status.node.querySelector('.authsome-StatusText')?.textContent;
    expect(text()).toBe('Not signed in');
    server.connections = [connection({ connection: 'work', username: 'adele@contoso.example' })];
    await model.refresh();
    expect(text()).toBe('No default connection (1 other)');
    server.connections.push(connection());
    await model.refresh();
    expect(text()).toBe('megan@contoso.example +1');
    server.connections[0].refresh_error = 'AADSTS70008';
    await model.refresh();
    expect(text()).toBe('Refresh failed: microsoft/work');
    expect(status.node.classList).toContain('authsome-mod-warning');
    status.dispose();
  });
});

describe('the sidebar', () => {
  it('shows a running sign-in: the code, a safe link, Cancel', async () => {
    vi.useFakeTimers();
    const panel = new ConnectionsPanel(model);
    void model.signIn({});
    await settle();
    const job = panel.node.querySelector('.authsome-Job') as HTMLElement;
    expect(job.hidden).toBe(false);
    expect(job.querySelector('.authsome-UserCode')?.textContent).toBe('ABCD-EFGH');
    expect(job.querySelector('a')?.getAttribute('href')).toBe('https://microsoft.com/devicelogin');
    expect(job.textContent).toContain('Valid for 15 min');
    expect(panel.node.querySelector<HTMLButtonElement>('button[type=submit]')?.disabled).toBe(true);
    [...job.querySelectorAll('button')].find(b => b.textContent === 'Cancel')!.click();
    await settle();
    expect(job.textContent).toContain('Sign-in for microsoft/default cancelled.');
    panel.dispose();
    vi.useRealTimers();
  });

  it('shows a verification address that is no web page as text', async () => {
    server.answer.set('POST login', () =>
      Response.json(
        server.job({
          device_code: { ...server.job().device_code!, verification_uri: 'javascript:alert(1)' }
        }),
        { status: 202 }
      )
    );
    const panel = new ConnectionsPanel(model);
    vi.useFakeTimers();
    void model.signIn({});
    await settle();
    const job = panel.node.querySelector('.authsome-Job') as HTMLElement;
    expect(job.querySelector('a')).toBeNull();
    expect(job.textContent).toContain('javascript:alert(1)');
    await model.cancelSignIn();
    panel.dispose();
    vi.useRealTimers();
  });

  it('lists an API key with no expiry, and says why the list could not be fetched', async () => {
    server.connections = [
      connection({
        provider: 'openai',
        flow: 'api_key',
        expires_at: null,
        scopes: [],
        tenant_id: null
      })
    ];
    const panel = new ConnectionsPanel(model);
    await model.refresh();
    const card = panel.node.querySelector('[data-key="openai/default"]')!;
    expect(card.textContent).toContain('API key, no expiry');
    expect(card.textContent).toContain('Scopes—');
    expect([...card.querySelectorAll('button')].map(b => b.textContent)).toEqual(['Sign out']);
    server.answer.set(
      'GET connections',
      () =>
        new Response('<h1>Service Unavailable</h1>', {
          status: 503,
          statusText: 'Service Unavailable'
        })
    );
    await model.refresh();
    const error = panel.node.querySelector('.authsome-List .authsome-Error')!;
    expect(error.textContent).toMatch(/^Could not list connections: The server answered 503/);
    panel.dispose();
  });

  it('offers the providers it can sign in here first, and groups the others apart', async () => {
    server.providers = [
      { name: 'microsoft', display_name: 'Microsoft', services: ['outlook'], device_code: true },
      { name: 'gitlab', display_name: 'GitLab', services: [], device_code: false },
      { name: 'openai', display_name: 'OpenAI', services: [], device_code: false }
    ];
    const panel = new ConnectionsPanel(model);
    await model.loadProviders();
    const groups = [...panel.node.querySelectorAll('select[name=provider] optgroup')];
    expect(groups.map(g => g.getAttribute('label'))).toEqual([
      'Sign in here (device code)',
      'From a notebook: %authsome login NAME (2)'
    ]);
    expect([...groups[0].querySelectorAll('option')].map(o => o.value)).toEqual(['microsoft']);
    const elsewhere = [...groups[1].querySelectorAll('option')];
    expect(elsewhere.map(o => [o.value, o.disabled])).toEqual([
      ['gitlab', true],
      ['openai', true]
    ]);
    expect(panel.node.querySelector<HTMLSelectElement>('select[name=provider]')!.value).toBe(
      'microsoft'
    );
    panel.dispose();
  });
});
