import pytest
from django.conf import settings


@pytest.mark.django_db
def test_it_answers_in_vietnamese_to_an_english_browser(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi"' in response.content.decode()


@pytest.mark.django_db
def test_it_switches_to_english_when_the_user_picks_it(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in client.get("/dang-nhap/").content.decode()


@pytest.mark.django_db
def test_it_ignores_an_unknown_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi"' in client.get("/dang-nhap/").content.decode()
