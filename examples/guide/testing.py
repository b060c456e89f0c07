"""Testing an app with the test client (runs on CPython and MicroPython)."""
from microdot.test_client import TestClient
from routing import app


async def test_user():
    client = TestClient(app)
    response = await client.get('/users/42')
    assert response.status_code == 200
    assert response.json == {'id': 42}
