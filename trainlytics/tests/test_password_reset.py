import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from trainlytics.models import UserSession

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase 7"


def without_csrf_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())


def ask_for_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def reset_link(message):
    match = re.search(r"https?://\S+/accounts/reset/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_the_login_page_links_to_password_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page


def test_reset_sends_a_link_built_on_site_url(client, user, mailoutbox, settings):
    settings.SITE_URL = "https://trainlytics.example"
    response = ask_for_reset(client, "ATHLETE@example.com")
    assert response.redirect_chain == [(reverse("password_reset_done"), 302)]
    [message] = mailoutbox
    assert message.to == [user.email]
    assert message.subject == "Reset your Trainlytics password"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert reset_link(message).startswith("https://trainlytics.example/accounts/reset/")


def test_reset_link_sets_a_new_password(client, user, mailoutbox):
    ask_for_reset(client, user.email)
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    assert "Choose a new password" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_link_works_once(client, user, mailoutbox):
    ask_for_reset(client, user.email)
    link = reset_link(mailoutbox[0])
    form = client.get(link, follow=True)
    passwords = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(form.redirect_chain[-1][0], passwords)
    again = client.get(link, follow=True).content.decode()
    assert "This link does not work" in again


def test_reset_ends_every_session_of_the_user(client, user, mailoutbox):
    elsewhere = Client()
    assert elsewhere.login(username=user.email, password=PASSWORD)
    ask_for_reset(client, user.email)
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert elsewhere.get(reverse("account")).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_an_unknown_address_gets_the_same_page_and_no_email(client, user, mailoutbox):
    known = ask_for_reset(client, user.email)
    unknown = ask_for_reset(client, "nobody@example.com")
    assert unknown.redirect_chain == known.redirect_chain
    assert without_csrf_tokens(unknown.content) == without_csrf_tokens(known.content)
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_a_tampered_reset_link_does_not_work(client, user, mailoutbox):
    ask_for_reset(client, user.email)
    link = reset_link(mailoutbox[0])
    page = client.get(link[:-3] + "xx/", follow=True).content.decode()
    assert "This link does not work" in page
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)


def test_reset_pages_render(client, db):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "<h1>" in response.content.decode()


def test_a_fourth_reset_within_the_hour_sends_nothing_but_answers_the_same(
    client, user, mailoutbox
):
    for _ in range(3):
        ask_for_reset(client, user.email)
    response = ask_for_reset(client, user.email)

    assert response.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert len(mailoutbox) == 3


def test_the_reset_limit_of_one_address_leaves_other_accounts_alone(
    client, user, other_user, mailoutbox
):
    for _ in range(4):
        ask_for_reset(client, user.email)
    ask_for_reset(client, other_user.email)

    assert [m.to for m in mailoutbox][-1] == [other_user.email]
    assert len(mailoutbox) == 4


def test_one_client_asking_for_many_addresses_is_limited(
    client, user, mailoutbox, settings
):
    settings.PASSWORD_RESET_CLIENT_LIMIT = 2
    for n in range(2):
        ask_for_reset(client, f"nobody{n}@example.com")
    ask_for_reset(client, user.email)

    assert mailoutbox == []
