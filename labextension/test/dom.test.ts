/** The DOM helpers every view uses: text stays text, links only where they are safe. */
import { describe, expect, it } from 'vitest';

import { describeExpiry, describeToken, h, safeLink } from '../src/dom';

describe('safeLink', () => {
  it.each([
    'https://microsoft.com/devicelogin',
    'http://127.0.0.1:8400/device',
    'HTTPS://X.EXAMPLE/'
  ])('links %s in a new tab that cannot reach back to this page', url => {
    const link = safeLink(url, 'open') as HTMLAnchorElement;
    expect(link.tagName).toBe('A');
    expect(link.getAttribute('href')).toBe(url);
    expect(link.target).toBe('_blank');
    expect(link.rel).toBe('noopener noreferrer');
  });

  it.each([
    'javascript:alert(document.cookie)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '//evil.example/path',
    'file:///etc/passwd',
    'vbscript:msgbox(1)'
  ])('shows %s as text, not a link', url => {
    const node = safeLink(url, url);
    expect(node.nodeType).toBe(Node.TEXT_NODE);
    expect(node.textContent).toBe(url);
  });
});

describe('h', () => {
  it('puts text in as text and sets only attributes that are on', () => {
    const element = h(
      'button',
      { class: 'x', disabled: true, hidden: false, title: undefined },
      '<b>bold?</b>',
      null,
      false
    );
    expect(element.innerHTML).toBe('&lt;b&gt;bold?&lt;/b&gt;');
    expect(element.hasAttribute('disabled')).toBe(true);
    expect(element.hasAttribute('hidden')).toBe(false);
    expect(element.hasAttribute('title')).toBe(false);
  });
});

describe('describeExpiry', () => {
  const now = 1_000_000;
  it.each([
    [null, 'no access token'],
    [now - 1, 'expired (refreshes on next use)'],
    [now + 59.9, 'expires in 59 s'],
    [now + 119, 'expires in 119 s'],
    [now + 120, 'expires in 2 min'],
    [now + 7199, 'expires in 119 min'],
    [now + 7200, 'expires in 2.0 h']
  ])('says %s as "%s"', (expiresAt, words) => {
    expect(describeExpiry(expiresAt, now)).toBe(words);
  });
});

describe('describeToken', () => {
  const base = { expires_at: Date.now() / 1000 + 600, refresh_error: null };
  it('lets a failed refresh win over an expiry that means nothing any more', () => {
    expect(describeToken({ ...base, refresh_error: 'AADSTS70008' })).toBe(
      'refresh failed: sign in again'
    );
  });

  it('says when a token does not expire, and when an API key has no expiry', () => {
    expect(describeToken({ ...base, expires_at: null, never_expires: true })).toBe(
      'does not expire'
    );
    expect(describeToken({ ...base, expires_at: null, flow: 'api_key' })).toBe(
      'API key, no expiry'
    );
    expect(describeToken({ ...base, expires_at: null, flow: 'device_code' })).toBe(
      'no access token'
    );
    expect(describeToken(base)).toMatch(/^expires in (9|10) min$/);
  });
});
