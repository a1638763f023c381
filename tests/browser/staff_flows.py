"""Ways through the staff side shared by the browser tests: signing in with a password and an authenticator
app (first time: setting the app up), the case page's forms, and what a reporter gave at intake."""

from __future__ import annotations

import base64
import time
from urllib.parse import quote, urlparse

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from standtogether.partners.models import Membership

from .conftest import DESKTOP, MOBILE, axe, format_violations, horizontal_overflow
from .flows import submit

PASSWORD = "a long staff passphrase 42"  # what tests.staff.member sets
RECOVERY_CODES = 10
SIGN_IN_PATHS = {"/staff/mfa/setup/": "setup", "/staff/verify/": "verify"}

# What reporters gave at intake (the "contact" step of the journey). Amina allows e-mail (updates are
# announced there: e-mail is her only automatic channel) and phone (so a logged phone call is allowed).
AMINA = {
    "anonymous": "no",
    "name": "Amina",
    "email": "amina@example.org",
    "phone": "07700900123",
    "address": "",
    "channels": ["email", "phone"],
    "safe_times": "while the children are at school",
    "safety": [],
}
PUPIL = {
    "anonymous": "no",
    "name": "J",
    "email": "",
    "phone": "07700900999",
    "address": "1 Home Street",
    "channels": ["sms"],
    "safe_times": "after 4pm on weekdays",
    "safety": ["family-does-not-know", "no-letters"],
}
SHARE_POLICE_AND_VICTIM_SUPPORT = {"share": ["police", "victim-support"], "partnership_only": False}


def path_of(page) -> str:
    return urlparse(page.url).path


# --- codes an authenticator app would show -----------------------------------------------------------------


def _key_from_secret(secret: str) -> bytes:
    secret = secret.strip().replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def _device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user).order_by("-pk").first()
    assert device is not None, f"{user.username} has no authenticator device"
    return device


def _totp(device: TOTPDevice, key: bytes | None = None, offset: int = 0) -> TOTP:
    totp = TOTP(key or device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
    totp.time = time.time()
    return totp


def code_for(user, secret: str | None = None) -> str:
    """The 6 digits the person's app shows now (from the key on the setup page, if given), skipping a time
    step the device has already accepted: django-otp refuses a code twice, and two sign-ins of one person
    can fall in the same 30 seconds (the next step is within the device's tolerance)."""
    device = _device(user)
    key = _key_from_secret(secret) if secret else None
    for offset in range(device.tolerance + 1):
        totp = _totp(device, key, offset)
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    raise AssertionError(f"no unused code for {user.username} within the device's tolerance")


def wrong_code_for(user) -> str:
    """Six digits that are no code the device would accept now."""
    device = _device(user)
    accepted = {
        _totp(device, offset=offset).token() for offset in range(-device.tolerance - 1, device.tolerance + 2)
    }
    return next(f"{n:06d}" for n in range(123456, 1_000_000, 7919) if n not in accepted)


def wait_out_throttle(user) -> None:
    """After a wrong code django-otp refuses every code for 1 s (doubling each time): wait until allowed."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        allowed, _ = _device(user).verify_is_allowed()
        if allowed:
            return
        time.sleep(0.2)
    raise AssertionError("django-otp still throttles the device after 10 s")


# --- signing in --------------------------------------------------------------------------------------------


def enter_password(page, membership: Membership, password: str = PASSWORD, next_path: str = "") -> str:
    """The sign-in page; returns where it led: "setup", "verify", or "login" (still there: refused)."""
    page.goto("/staff/login/" + (f"?next={quote(next_path)}" if next_path else ""))
    page.locator("main #id_username").fill(membership.user.username)
    page.locator("main #id_password").fill(password)
    submit(page, "main form button[type=submit]")
    return SIGN_IN_PATHS.get(path_of(page), "login")


def enter_code(page, code: str) -> None:
    page.locator("main #id_token").fill(code)
    submit(page, "main form button[type=submit]")


def set_up_authenticator(page, membership: Membership) -> list[str]:
    """On the setup page: type the key shown into the "app", enter its code; returns the recovery codes."""
    assert path_of(page) == "/staff/mfa/setup/", page.url
    assert page.locator("main img[src^='data:image/svg+xml']").is_visible(), "no QR code"
    secret = page.locator("#totp-secret").inner_text()
    enter_code(page, code_for(membership.user, secret))
    codes = [text.strip() for text in page.locator("#recovery-codes li").all_inner_texts()]
    assert len(codes) == RECOVERY_CODES, (page.url, codes)
    return codes


def leave_recovery_codes(page) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="I have saved them: continue").click()


def sign_in(page, membership: Membership, next_path: str = "/staff/") -> None:
    """Password, then the second factor (setting the app up the first time); ends on `next_path`."""
    step = enter_password(page, membership, next_path=next_path)
    if step == "setup":
        set_up_authenticator(page, membership)
        leave_recovery_codes(page)
    elif step == "verify":
        enter_code(page, code_for(membership.user))
    else:
        raise AssertionError(f"the password was refused: {page.url}")
    assert path_of(page) == next_path, page.url


def sign_out(page) -> None:
    submit(page, "main nav form[action='/staff/logout/'] button[type=submit]")
    assert path_of(page) == "/staff/login/", page.url


# --- the case page -----------------------------------------------------------------------------------------


def case_url(reference: str, action: str = "") -> str:
    return f"/staff/cases/{reference}/" + (f"{action}/" if action else "")


def case_form(page, action: str):
    """One form of the case page, by the action it posts to: assign, classify, risk, contact, refer,
    reveal, close (scoped to <main>: field ids such as id_reason are not unique on the page)."""
    return page.locator(f"main form[action$='/{action}/']")


def send_case_form(page, action: str) -> None:
    submit(page, f"main form[action$='/{action}/'] button[type=submit]")


def banners(page) -> str:
    """Every message the last action left (the notification banners at the top of <main>)."""
    return " | ".join(
        text.strip() for text in page.locator("main .govuk-notification-banner").all_inner_texts()
    )


def verdicts(page) -> dict[str, tuple[str, str]]:
    """The "Contacting the reporter" section: channel -> (its tag, "Allowed" or "Never"; the whole line
    with the reasons and cautions)."""
    result = {}
    for paragraph in page.locator("main p.govuk-body:has(> strong.govuk-tag)").all():
        channel = paragraph.locator("> strong:not(.govuk-tag)").first.inner_text().strip()
        tag = paragraph.locator("> strong.govuk-tag").first.inner_text().strip()
        result[channel] = (tag, paragraph.inner_text().strip())
    return result


# --- accessibility and reflow of one page ------------------------------------------------------------------

_DUPLICATE_REFERENCED_IDS = """() => {
  const users = new Map();
  const use = (id, who) => { if (id) users.set(id, [...(users.get(id) || []), who]); };
  for (const label of document.querySelectorAll('label[for]')) {
    use(label.htmlFor, `label[for=${label.htmlFor}] "${label.textContent.trim().replace(/\\s+/g, ' ')}"`);
  }
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/)) use(id, `${el.tagName.toLowerCase()}[${attr}]`);
    }
  }
  const found = [];
  for (const [id, who] of users) {
    const owners = [...document.querySelectorAll(`[id="${CSS.escape(id)}"]`)];
    if (owners.length > 1) {
      const forms = owners.map((el) => (el.form ? el.form.getAttribute('action') : el.tagName.toLowerCase()));
      const where = forms.join(', ');
      found.push(`id "${id}" is on ${owners.length} elements (in ${where}); used by ${who.join(', ')}`);
    }
  }
  return found;
}"""

_TABLES = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  return [...document.body.querySelectorAll('table')].map((table) => {
    let scroller = null;
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) { scroller = el; break; }
    }
    const box = table.getBoundingClientRect();
    return {
      table: describe(table),
      caption: table.caption ? table.caption.textContent.trim().replace(/\\s+/g, ' ') : '',
      width: Math.round(box.width), right: Math.round(box.right), viewport: width,
      overflows: box.right > width + 1,
      scroller: scroller ? describe(scroller) : null,
    };
  });
}"""

_SET_TABLES_DISPLAY = """(hide) => {
  for (const table of document.body.querySelectorAll('table')) {
    if (hide) table.style.setProperty('display', 'none', 'important');
    else table.style.removeProperty('display');
  }
}"""


def duplicate_referenced_ids(page) -> list[str]:
    """Ids that a label or an ARIA attribute points at but that more than one element has. A label then
    names only the first of them (the second control has no label, whatever axe says): axe reports this
    as duplicate-id-aria, but only under "needs review", never as a violation."""
    return page.evaluate(_DUPLICATE_REFERENCED_IDS)


def tables_at_320(page) -> list[dict]:
    return page.evaluate(_TABLES)


def overflow_without_tables(page) -> str | None:
    """The page must not scroll sideways at 320 px, data tables apart (WCAG 1.4.10 lets a table that needs
    two dimensions scroll): measured with every table taken out of the layout for the moment."""
    page.evaluate(_SET_TABLES_DISPLAY, True)
    try:
        return horizontal_overflow(page)
    finally:
        page.evaluate(_SET_TABLES_DISPLAY, False)


def check_page(page, name: str, problems: list[str], notes: list[str]) -> None:
    """axe at 1280 px, ids labels rely on, then at 320 px: reflow (tables apart) and axe again.

    Problems fail the test; notes (tables wider than a phone, tables not in a scroll container) are
    reported as warnings."""
    where = f"{name} ({page.url})"
    desktop = axe(page)
    if desktop:
        problems.append(format_violations(desktop, f"axe at 1280 px on {where}:"))
    for duplicate in duplicate_referenced_ids(page):
        problems.append(f"duplicate-id-aria on {where}: {duplicate}")
    page.set_viewport_size(MOBILE)
    try:
        overflow = overflow_without_tables(page)
        if overflow:
            problems.append(f"reflow at 320 px on {where} (tables left out): {overflow}")
        for table in tables_at_320(page):
            label = f'{table["table"]} "{table["caption"]}"'
            if table["scroller"] is None:
                effect = "makes the whole page scroll sideways" if table["overflows"] else "fits"
                notes.append(
                    f"{where}: {label} is not in a scroll container; at 320 px it is {table['width']} px "
                    f"wide and {effect}"
                )
            elif table["overflows"]:
                notes.append(f"{where}: {label} scrolls inside {table['scroller']} at 320 px")
        seen = {(v["id"], str(node["target"])) for v in desktop for node in v["nodes"]}
        narrow = []
        for violation in axe(page):
            nodes = [n for n in violation["nodes"] if (violation["id"], str(n["target"])) not in seen]
            if nodes:
                narrow.append({**violation, "nodes": nodes})
        if narrow:
            problems.append(format_violations(narrow, f"axe at 320 px (not at 1280 px) on {where}:"))
    finally:
        page.set_viewport_size(DESKTOP)
