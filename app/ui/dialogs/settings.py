"""Settings: translation provider, e-mail (SMTP), notifications, UI language, tray behaviour.

"Save" validates the new config with app.config (the same rules as the file) and writes it;
the SMTP password (``store_smtp_password``) and API keys (``providers.keys.set_key``) go to the
OS keyring. The Test buttons run in the network pool: SMTP "Test" sends a real test message
(``send_test``), the provider "Test" makes one cheap translation call.
"""

from __future__ import annotations

import copy

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import _CHOICES, Config, ProviderConfig
from app.config_write import save_config
from app.errors import UserError
from app.export.smtp import SmtpConfigError, SmtpSettings, send_test, store_smtp_password
from app.translation.providers.keys import set_key
from app.translation.service import check_provider, create_provider
from app.ui.i18n import LANGUAGES
from app.ui.labels import provider_label, security_label
from app.ui.ops import Op, TaskManager

# One sentence, shown in Settings and on the first-run page.
TRANSLATION_SETUP = (
    "The offline engine gives literal English titles with no setup; a provider (a DeepL Free "
    "key, an OpenAI-compatible local server such as Ollama, or LibreTranslate) gives fluent "
    "titles and bodies."
)


def _split(text: str) -> list[str]:
    return [a.strip() for a in text.replace(";", ",").split(",") if a.strip()]


class SettingsDialog(QDialog):
    def __init__(self, config: Config, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._config, self._tasks = config, tasks
        self.saved: Config | None = None
        tabs = QTabWidget(self)

        g = QWidget()
        f = QFormLayout(g)
        self.language = QComboBox()
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(config.general.language)))
        self.start_min = QCheckBox(self.tr("Start minimised to the tray"))
        self.start_min.setChecked(config.general.start_minimised)
        self.close_tray = QCheckBox(self.tr("Closing the window keeps regwatch in the tray"))
        self.close_tray.setChecked(config.general.close_to_tray)
        self.notify = QCheckBox(self.tr("Desktop notification for new matches"))
        self.notify.setChecked(config.notifications.enabled)
        self.sound = QCheckBox(self.tr("Play a sound"))
        self.sound.setChecked(config.notifications.sound)
        f.addRow(self.tr("Language (after restart)"), self.language)
        for w in (self.start_min, self.close_tray, self.notify, self.sound):
            f.addRow("", w)
        tabs.addTab(g, self.tr("General"))

        t = QWidget()
        f = QFormLayout(t)
        self.provider = QComboBox()
        for p in sorted(_CHOICES["translation.provider"], key=lambda p: (p != "offline", p)):
            self.provider.addItem(provider_label(p), p)
        self.provider.setCurrentIndex(max(0, self.provider.findData(config.translation.provider)))
        self.provider.currentIndexChanged.connect(self._load_provider)
        self.base_url, self.model, self.app_id = QLineEdit(), QLineEdit(), QLineEdit()
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText(self.tr("stored in the system keyring"))
        self.tr_result = QLabel()
        self.tr_result.setWordWrap(True)
        test_tr = QPushButton(self.tr("Test"))
        test_tr.clicked.connect(self.test_translation)
        setup = QLabel(self.tr(TRANSLATION_SETUP))
        setup.setWordWrap(True)
        f.addRow(setup)
        f.addRow(self.tr("Provider"), self.provider)
        f.addRow(self.tr("Base URL"), self.base_url)
        f.addRow(self.tr("Model"), self.model)
        f.addRow(self.tr("App ID"), self.app_id)
        f.addRow(self.tr("API key"), self.api_key)
        f.addRow(test_tr, self.tr_result)
        tabs.addTab(t, self.tr("Translation"))
        self._load_provider()

        e = QWidget()
        f = QFormLayout(e)
        em = config.email
        self.smtp_host = QLineEdit(em.host)
        self.smtp_host.setPlaceholderText("smtp.example.eu")
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setValue(em.port)
        self.security = QComboBox()
        for s in ("starttls", "ssl", "plain"):
            self.security.addItem(security_label(s), s)
        self.security.setCurrentIndex(max(0, self.security.findData(em.security)))
        self.smtp_user = QLineEdit(em.username)
        self.smtp_password = QLineEdit()
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password.setPlaceholderText(self.tr("stored in the system keyring"))
        self.sender = QLineEdit(em.sender)
        self.sender.setPlaceholderText("regwatch@example.eu")
        self.to = QLineEdit(", ".join(em.to))
        self.to.setPlaceholderText("liaison@example.eu, colleague@example.eu")
        self.cc = QLineEdit(", ".join(em.cc))
        self.smtp_result = QLabel()
        self.smtp_result.setWordWrap(True)
        test_smtp = QPushButton(self.tr("Send test"))
        test_smtp.clicked.connect(self.test_smtp)
        f.addRow(self.tr("SMTP server"), self.smtp_host)
        f.addRow(self.tr("Port"), self.smtp_port)
        f.addRow(self.tr("Security"), self.security)
        f.addRow(self.tr("User name"), self.smtp_user)
        f.addRow(self.tr("Password"), self.smtp_password)
        f.addRow(self.tr("From"), self.sender)
        f.addRow(self.tr("To"), self.to)
        f.addRow(self.tr("Cc"), self.cc)
        f.addRow(test_smtp, self.smtp_result)
        tabs.addTab(e, self.tr("E-mail"))

        self.error = QLabel()
        self.error.setStyleSheet("color: #b91c1c")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(tabs)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.tabs = tabs
        self.resize(560, 460)

    def _load_provider(self) -> None:
        p = self.provider.currentData()
        pc = self._config.translation.providers.get(p, ProviderConfig())
        self.base_url.setText(pc.base_url)
        self.model.setText(pc.model)
        self.app_id.setText(pc.app_id)
        self.api_key.clear()
        online = p != "offline"  # the offline engine has no URL, model or key to set
        for w in (self.base_url, self.model, self.app_id, self.api_key):
            w.setEnabled(online)

    def build_config(self) -> Config:
        cfg = copy.deepcopy(self._config)
        cfg.general.language = self.language.currentData()
        cfg.general.start_minimised = self.start_min.isChecked()
        cfg.general.close_to_tray = self.close_tray.isChecked()
        cfg.notifications.enabled = self.notify.isChecked()
        cfg.notifications.sound = self.sound.isChecked()
        p = self.provider.currentData()
        cfg.translation.provider = p
        if p != "offline":
            pc = cfg.translation.providers.setdefault(p, ProviderConfig())
            pc.base_url, pc.model, pc.app_id = (
                self.base_url.text().strip(),
                self.model.text().strip(),
                self.app_id.text().strip(),
            )
        em = cfg.email
        em.host, em.port = self.smtp_host.text().strip(), self.smtp_port.value()
        em.security = self.security.currentData()
        em.username, em.sender = self.smtp_user.text().strip(), self.sender.text().strip()
        em.to, em.cc = _split(self.to.text()), _split(self.cc.text())
        return cfg

    def save(self) -> None:
        try:
            cfg = self.build_config()
            em = cfg.email
            if self.smtp_password.text():
                if not em.username:
                    raise SmtpConfigError("enter the SMTP user name the password belongs to")
                store_smtp_password(em.username, em.host, self.smtp_password.text())
            if self.api_key.text() and cfg.translation.provider != "offline":
                set_key(cfg.translation.provider, self.api_key.text())
            self.saved = save_config(cfg, self._config.path)
        except (UserError, OSError) as exc:
            self.error.setText(getattr(exc, "message", None) or str(exc))
            return
        self.accept()

    def test_smtp(self) -> None:
        """Send a short test message with the settings as typed (to "To", else to oneself)."""
        em = self.build_config().email
        typed = self.smtp_password.text() or None
        settings = SmtpSettings.from_config(em, password=typed)
        self.smtp_result.setText(self.tr("Sending a test message…"))

        def work() -> str:
            to = em.to[:1] or [settings.from_address]
            sent = send_test(settings, to)
            return f"Test message sent to {', '.join(sent)}."

        Op(self._tasks, work, kind="net").success(self.smtp_result.setText).failure(
            lambda e: self.smtp_result.setText(
                self.tr("Failed: ") + (getattr(e, "message", None) or str(e) or type(e).__name__)
            )
        ).run_in_background()

    def test_translation(self) -> None:
        cfg = self.build_config()
        name = cfg.translation.provider
        typed = self.api_key.text() or None
        self.tr_result.setText(self.tr("Testing…"))

        def work() -> str:  # a connection check and one sample title, off the GUI thread
            if name == "offline":
                return check_provider(None)
            provider = create_provider(name, cfg.translation, key=typed)
            try:
                return check_provider(provider)
            finally:
                provider.close()

        Op(self._tasks, work, kind="net").success(self.tr_result.setText).failure(
            lambda e: self.tr_result.setText(
                self.tr("Failed: ") + (getattr(e, "message", None) or str(e))
            )
        ).run_in_background()
