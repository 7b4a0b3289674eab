"""One desktop app per database: a second start hands over to the running one.

The running app listens on a local socket named after the user and the database URL
(``QLocalServer``); a second start that finds it there asks it to raise its window and exits,
so there is never a second scheduler fetching the same sites or a second tray icon. Another
database is another name, so two databases can be open side by side.
"""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACTIVATE = b"activate\n"
CONNECT_MS = 500


def instance_name(db_url: str) -> str:
    """The local socket name for this user and database (no secrets: a hash of the URL)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment: still unique per database
        user = "user"
    digest = hashlib.sha256(db_url.encode("utf-8")).hexdigest()[:16]
    safe_user = "".join(c for c in user if c.isalnum())[:20] or "user"
    return f"regwatch-{safe_user}-{digest}"


class SingleInstance(QObject):
    """``claim()`` is True for the first app on a database; later ones ask it to show itself."""

    activated = Signal()  # another start asked this app to raise its window

    def __init__(self, db_url: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = instance_name(db_url)
        self._server: QLocalServer | None = None

    def _ask_running(self) -> bool:
        """True if an app answers on the name (and was asked to raise its window)."""
        sock = QLocalSocket()  # owned here, gone when this returns
        sock.connectToServer(self.name)
        if not sock.waitForConnected(CONNECT_MS):
            return False
        sock.write(ACTIVATE)
        sock.waitForBytesWritten(CONNECT_MS)
        sock.disconnectFromServer()
        if sock.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            sock.waitForDisconnected(CONNECT_MS)
        return True

    def claim(self) -> bool:
        """Become the app for this database; False when one is running already (it was asked
        to raise its window). If the socket cannot be created the app still starts."""
        if self._ask_running():
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # a stale name left by a crashed app
            if not server.listen(self.name):
                return True
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (sock := self._server.nextPendingConnection()) is not None:
            # The message is one short line, sent at once by the second start.
            if not sock.bytesAvailable():
                sock.waitForReadyRead(CONNECT_MS)
            message = bytes(sock.readAll().data())
            sock.abort()
            sock.deleteLater()
            if message.startswith(ACTIVATE.strip()):
                self.activated.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
