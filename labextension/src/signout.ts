/**
 * Signing out asks first: the account goes for every kernel and notebook of this store, so
 * the sidebar and the cards confirm it the same way, and say so if the server refused.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';

import type { Connection } from './api';
import type { ConnectionsModel } from './model';

export async function confirmSignOut(model: ConnectionsModel, c: Connection): Promise<void> {
  const result = await showDialog({
    title: `Sign out of ${c.key}?`,
    body:
      `${c.username || 'This account'} will be signed out in every kernel and notebook ` +
      'that uses this store. Its tokens are deleted.',
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Sign out' })]
  });
  if (!result.button.accept) {
    return;
  }
  try {
    await model.signOut(c);
  } catch (error) {
    await showDialog({
      title: 'Sign-out failed',
      body: error instanceof Error ? error.message : String(error),
      buttons: [Dialog.okButton()]
    });
  }
}
