/**
 * A few lines instead of a UI framework: `h('div', {class: 'x'}, child, 'text')`.
 * Text always goes in as text nodes, never as HTML, so an account name cannot
 * inject markup.
 */
export type Child = Node | string | null | undefined | false;

/** The flow of a connection that holds an API key rather than OAuth tokens. */
export const API_KEY_FLOW = 'api_key';

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) {
      element.setAttribute(name, '');
    } else if (typeof value === 'string') {
      element.setAttribute(name, value);
    }
  }
  for (const child of children) {
    if (child) {
      element.append(child);
    }
  }
  return element;
}

/** "expires in 52 min" — the same words as the Python side's `describe_expiry`. */
export function describeExpiry(expiresAt: number | null, now = Date.now() / 1000): string {
  if (!expiresAt) {
    return 'no access token';
  }
  const left = expiresAt - now;
  if (left <= 0) {
    return 'expired (refreshes on next use)';
  }
  if (left < 120) {
    return `expires in ${Math.floor(left)} s`;
  }
  if (left < 7200) {
    return `expires in ${Math.floor(left / 60)} min`;
  }
  return `expires in ${(left / 3600).toFixed(1)} h`;
}

/**
 * The token row: a failed refresh wins over an expiry that no longer means anything; an
 * API key without an expiry says so rather than "no access token".
 */
export function describeToken(c: {
  expires_at: number | null;
  refresh_error: string | null;
  never_expires?: boolean;
  flow?: string | null;
}): string {
  if (c.refresh_error) {
    return 'refresh failed: sign in again';
  }
  if (c.never_expires) {
    return 'does not expire';
  }
  if (c.expires_at === null && c.flow === API_KEY_FLOW) {
    return 'API key, no expiry';
  }
  return describeExpiry(c.expires_at);
}

/** A link only for http(s) URLs: anything else is shown as text. */
export function safeLink(url: string, text: string): Node {
  if (/^https?:\/\//i.test(url)) {
    return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, text);
  }
  return document.createTextNode(text);
}
