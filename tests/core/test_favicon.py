"""The staff pages and the admin link the icon; a browser's own request for /favicon.ico
is sent to it, not answered 404."""

from django.templatetags.static import static

ICON = static("img/favicon.svg")


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == ICON


def test_staff_pages_and_the_admin_link_the_icon(client, reception1):
    assert f'rel="icon" href="{ICON}"' in client.get("/login/").content.decode()
    client.force_login(reception1)
    assert f'rel="icon" href="{ICON}"' in client.get("/petitions/").content.decode()
    assert f'rel="icon" href="{ICON}"' in client.get("/admin/login/").content.decode()
