/**
 * One connections model per page, shared by the sidebar, the status bar and every card in
 * every notebook: a sign-out or sign-in anywhere (the sidebar, a kernel, a terminal) reaches
 * all of them through the server's change events within a second or two.
 *
 * Cards may render before the main plugin has activated (a notebook restored at start-up),
 * so whoever comes first makes the model; the plugin then attaches the event stream.
 */
import type { Event } from '@jupyterlab/services';

import { ConnectionsModel } from './model';

let shared: ConnectionsModel | null = null;

export function sharedModel(events?: Event.IManager): ConnectionsModel {
  if (shared === null || shared.isDisposed) {
    shared = new ConnectionsModel(events);
  } else if (events) {
    shared.listen(events);
  }
  return shared;
}
