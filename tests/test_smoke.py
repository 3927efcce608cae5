from tests.conftest import initiative


def test_submit_and_read_back(api):
    status, body = api.json("POST", "/submissions", initiative(), user="worker-rang-dong")
    assert status == 201, body
    assert body["status"] == "pending"
    status, again = api.json("GET", f"/submissions/{body['id']}", user="worker-rang-dong")
    assert status == 200 and again == body
