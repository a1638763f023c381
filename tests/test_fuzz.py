"""Generated input on every step of the journey: any text, any tampering, never a server error, and
whatever was typed comes back escaped."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from standtogether.intake.journey import STEPS

pytestmark = pytest.mark.django_db

FIELDS = {step.slug: [name for name in step.form.base_fields] for step in STEPS}
text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        ["<script>alert(1)</script>", "\x00", "31", "2026", "-1", "9" * 40, "\u202e", "' OR 1=1 --"]
    ),
    st.text(max_size=20).map(lambda s: s * 700),
)
values = st.one_of(text, st.lists(text, max_size=4))


@hsettings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(slug=st.sampled_from([s.slug for s in STEPS if s.slug != "evidence"]), data=st.data())
def test_any_input_on_any_step_is_never_a_server_error(slug, data):
    client = Client()
    client.get(f"/en/report/{slug}/")
    names = FIELDS[slug] + ["date_start_0", "date_start_1", "date_start_2", "date_end_0", "submit_key"]
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    payload = {name: data.draw(values) for name in chosen}
    payload = {
        k: [x.replace("\x00", "") for x in v] if isinstance(v, list) else v.replace("\x00", "")
        for k, v in payload.items()
    }
    response = client.post(f"/en/report/{slug}/", payload)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert "<script>alert(1)</script>" not in response.content.decode()
        assert "There is a problem" in response.content.decode()


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reference=text, code=text)
def test_tracking_any_input_is_never_a_server_error(reference, code):
    client = Client()
    response = client.post(
        "/en/track/", {"reference": reference.replace("\x00", ""), "code": code.replace("\x00", "")}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "day,month,year,message",
    [
        ("31", "2", "2026", "This date does not exist"),
        ("1", "1", "2999", "cannot be in the future"),
        ("1", "", "2026", "must include a day, month and year"),
        ("a", "b", "cccc", "Enter the date as numbers"),
    ],
)
def test_wrong_dates_get_a_clear_message_next_to_the_field(client, day, month, year, message):
    client.get("/en/report/when-where/")
    response = client.post(
        "/en/report/when-where/",
        {"date_start_0": day, "date_start_1": month, "date_start_2": year, "place": "kept text"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and 'href="#id_date_start_0"' in page
    assert "kept text" in page


def test_control_characters_and_overlong_text_get_specific_messages(client):
    client.get("/en/report/what/")
    hidden = client.post("/en/report/what/", {"description": "hello\x07world"}).content.decode()
    assert "hidden characters" in hidden
    long = client.post("/en/report/what/", {"description": "a" * 10001}).content.decode()
    assert "too long" in long and "10000" in long


def test_html_is_shown_escaped_on_the_check_page(client):
    client.get("/en/report/what/")
    client.post("/en/report/what/", {"description": "<b>bold</b><script>alert(1)</script>"})
    page = client.get("/en/report/check/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
