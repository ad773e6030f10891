import pytest
from playwright.sync_api import expect

from tests.factories import make_user

# Records, in every page and frame, each Content Security Policy violation and each script
# the hostile-content gate plants: window.alert and friends are replaced by recorders.
WATCHER = """
window.__csp_violations = [];
window.__executed = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp_violations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__executed.push(`${name}(${args.join(",")})`); };
}
"""


class BrowserWatch:
    def __init__(self, page):
        self.page = page
        self.console_violations = []
        self.dialogs = []
        page.add_init_script(WATCHER)
        page.on("console", self._on_console)
        page.on("dialog", self._on_dialog)

    def _on_console(self, message):
        if "Content Security Policy" in message.text:
            self.console_violations.append(message.text)

    def _on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def csp_violations(self):
        return self.console_violations + self.page.evaluate("window.__csp_violations || []")

    def executed(self):
        # A planted script proves it ran by calling alert() or by setting window.__xss.
        ran = self.page.evaluate("(window.__executed || []).concat(window.__xss ? ['__xss'] : [])")
        return ran + self.dialogs


@pytest.fixture
def watch(page):
    return BrowserWatch(page)


@pytest.fixture
def admin_page(live_server, page):
    """A page signed in to the admin as a superuser, through the admin's own sign-in form."""
    make_user("root", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    return page
