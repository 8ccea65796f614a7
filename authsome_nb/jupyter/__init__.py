"""authsome_nb inside the Jupyter server: REST for the JupyterLab panel, and the OAuth callback
that lets PKCE work for kernels the browser cannot reach (JupyterHub, SSH, Codespaces).

The wheel installs ``etc/jupyter/jupyter_server_config.d/authsome_nb.json``, which enables
the ``authsome_nb`` server extension; ``authsome_nb._jupyter_server_extension_points`` points
here.  Kernels never import this package: the hand-over of a remote kernel's sign-in lives
with the flows (:mod:`authsome_nb.flows.rendezvous`), which need no server.
"""

from __future__ import annotations


def _load_jupyter_server_extension(serverapp) -> None:
    from ._extension import load

    state = load(serverapp)
    serverapp.log.info("authsome_nb: serving /authsome/api for the store in %s", state.home)
