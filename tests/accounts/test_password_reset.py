"""Password reset by email: a link for accounts with a password, nothing for
guests, and the same answer whether or not an address is known."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW = "a brand new passphrase"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _main(response) -> str:
    """The page's main content (the nonce and CSRF token differ per request)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_login_page_links_to_password_reset(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{RESET}"' in html
    assert "Forgot your password?" in html


def test_a_known_address_gets_a_link_that_sets_a_new_password(client, alice):
    alice.email = "alice@example.org"
    alice.save()
    response = client.post(RESET, {"email": "Alice@Example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "alice" in message.body

    form = client.get(_link(message), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "Your password is reset" in done.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(NEW)

    again = client.get(_link(message), follow=True)
    assert "This reset link does not work" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, alice):
    alice.email = "alice@example.org"
    alice.save()
    known = client.post(RESET, {"email": "alice@example.org"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.org"}, follow=True)
    assert len(mail.outbox) == 1
    assert known.redirect_chain == unknown.redirect_chain
    assert _main(known) == _main(unknown)


def test_a_guest_without_a_password_gets_no_mail(client):
    from workshops.services import guest_create

    guest = guest_create(display_name="Gwen")
    guest.email = "gwen@example.org"
    guest.save()
    response = client.post(RESET, {"email": "gwen@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@c"])
def test_a_bad_address_is_refused_with_a_message(client, email):
    response = client.post(RESET, {"email": email})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert mail.outbox == []


def test_a_bad_or_tampered_link_says_it_does_not_work(client, alice):
    for url in [
        "/accounts/password/reset/xx/set-password/",
        "/accounts/password/reset/MQ/abc-def/",
        "/accounts/password/reset/%F0%9F%92%A9/x-y/",
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "This reset link does not work" in response.content.decode()


@override_settings(PASSWORD_RESETS_PER_EMAIL=2)
def test_one_address_gets_a_few_mails_then_none_and_the_page_does_not_change(
    client, alice
):
    alice.email = "alice@example.org"
    alice.save()
    pages = [client.post(RESET, {"email": "alice@example.org"}) for _ in range(4)]
    assert len(mail.outbox) == 2
    assert {page["Location"] for page in pages} == {
        reverse("accounts:password_reset_done")
    }


@override_settings(PASSWORD_RESETS_PER_CLIENT=3)
def test_one_client_asking_too_often_gets_429_with_retry_after(client):
    for n in range(3):
        assert client.post(RESET, {"email": f"x{n}@example.org"}).status_code == 302
    response = client.post(RESET, {"email": "y@example.org"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many reset requests" in response.content.decode()


def test_the_reset_email_names_the_site_and_has_one_line_subject(client, alice):
    alice.email = "alice@example.org"
    alice.save()
    client.post(RESET, {"email": "alice@example.org"})
    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert "Shared Responsibility Trainer" in message.subject
    assert PASSWORD not in message.body
