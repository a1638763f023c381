"""The staff import pages in Chromium: upload a CSV, read the dry run's problems, leave the bad row out and
import; axe-core (0 violations) and reflow at 320 px on the upload page, its error state and the check
page. With JavaScript on and the CSP bypassed for axe; the flow itself is plain forms."""

from __future__ import annotations

import pytest

from standtogether.intake.models import Report
from standtogether.partners.models import Role
from tests.staff import member

from .flows import submit
from .staff_flows import banners, check_page, path_of, sign_in

pytestmark = pytest.mark.browser

HEADER = "partner_record_id,date,description,strands,consent\n"
GOOD = "WDC-1,14/03/2024,Racist abuse at the bus stop,Racist,police\n"
BAD = "WDC-2,31/02/2024,Stickers on the door,Anti-traveller,police\n"


def _file(text: str, name: str = "records.csv") -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_import_pages_have_no_axe_violations_and_the_flow_works(new_context):
    admin = member("warwick-dc", Role.AGENCY_ADMIN, first_name="Dana")
    problems: list[str] = []
    notes: list[str] = []
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, admin, next_path="/staff/import/")
    check_page(page, "import", problems, notes)

    # A file without the required columns: the upload page again, with the error linked to the field.
    page.set_input_files("#file", _file("id,text\n1,x\n"))
    submit(page, "main form[enctype] button[type=submit]")
    assert path_of(page) == "/staff/import/"
    assert (
        "the file has no column partner_record_id" in page.locator("main .govuk-error-summary").inner_text()
    )
    check_page(page, "import, refused file", problems, notes)

    page.set_input_files("#file", _file(HEADER + GOOD + BAD))
    submit(page, "main form[enctype] button[type=submit]")
    assert path_of(page).startswith("/staff/import/") and path_of(page) != "/staff/import/"
    assert page.locator("#count-new").inner_text() == "1"
    assert page.locator("#count-problems").inner_text() == "1"
    table = page.locator("main table#import-problems").inner_text()
    assert "date 31/02/2024 is not a real date." in table and "'Anti-traveller' is not mapped" in table
    check_page(page, "import check", problems, notes)

    submit(page, "main form:not([action]) button[type=submit]")
    assert (
        "Nothing was imported: 1 row has problems" in page.locator("main .govuk-error-summary").inner_text()
    )
    check_page(page, "import check, refused", problems, notes)
    assert Report.system.count() == 0

    page.locator("#skip_bad_rows").check()
    submit(page, "main form:not([action]) button[type=submit]")
    assert path_of(page) == "/staff/import/"
    assert "Imported 1 record from Warwick District Council" in banners(page)
    assert Report.system.filter(channel="import").count() == 1

    assert not problems, "\n\n".join(problems)
    for note in notes:
        print(note)
