/**
 * authsome_nb in JupyterLab and Notebook 7: the "Connections" sidebar and a status-bar item,
 * both fed by the server extension's `/authsome/api` and refreshed by its change events; the
 * notebook's cards are rendered by the MIME extension in `mime.ts` from the same model.
 *
 * It also answers the sign-in panel's Cancel while a blocking `%authsome login` keeps the
 * kernel busy (a busy kernel cannot hear a widget click): the button sends a DOM event,
 * `authsome-interrupt`, and the notebook holding it has its kernel interrupted, which ends
 * the sign-in as cancelled.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, ISessionContext } from '@jupyterlab/apputils';
import { IStatusBar } from '@jupyterlab/statusbar';

import { sharedModel } from './live';
import { ConnectionsPanel } from './panel';
import { ConnectionsStatus } from './status';

const OPEN_COMMAND = 'authsome-nb:open-connections';
const INTERRUPT_EVENT = 'authsome-interrupt';

function sessionOf(widget: unknown): ISessionContext | null {
  const context = (widget as { sessionContext?: ISessionContext }).sessionContext;
  return context && typeof context.session !== 'undefined' ? context : null;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'authsome-nb:plugin',
  description: 'Who you are signed in as, sign in with a device code, sign out.',
  autoStart: true,
  optional: [ILayoutRestorer, IStatusBar, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null,
    palette: ICommandPalette | null
  ) => {
    const model = sharedModel(app.serviceManager.events);
    document.addEventListener(INTERRUPT_EVENT, event => {
      const target = event.target as Node;
      for (const widget of app.shell.widgets('main')) {
        const context = sessionOf(widget);
        if (context?.session?.kernel && widget.node.contains(target)) {
          event.preventDefault(); // tells the button it was heard
          void context.session.kernel.interrupt();
          return;
        }
      }
    });
    const panel = new ConnectionsPanel(model);
    app.shell.add(panel, 'left', { rank: 850 });
    restorer?.add(panel, panel.id);

    app.commands.addCommand(OPEN_COMMAND, {
      label: 'Show Connections (authsome_nb)',
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({ command: OPEN_COMMAND, category: 'authsome_nb' });

    if (statusBar) {
      const status = new ConnectionsStatus(model, () => void app.commands.execute(OPEN_COMMAND));
      statusBar.registerStatusItem('authsome-nb:status', {
        item: status,
        align: 'left',
        rank: 900
      });
    }
  }
};

export default plugin;
