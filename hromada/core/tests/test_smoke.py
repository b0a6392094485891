import pytest


@pytest.mark.django_db
def test_home_page_is_ukrainian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="uk"' in response.content.decode()
