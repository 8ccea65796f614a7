/**
 * authsome_nb in JupyterLab: the "Connections" sidebar and a status-bar item, both fed
 * by the server extension's `/authsome/api` and refreshed by its change events.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IStatusBar } from '@jupyterlab/statusbar';

import { ConnectionsModel } from './model';
import { ConnectionsPanel } from './panel';
import { ConnectionsStatus } from './status';

const OPEN_COMMAND = 'authsome-nb:open-connections';

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
    const model = new ConnectionsModel(app.serviceManager.events);
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
