"""The XiVO API through a Digest client no one here wrote: Python requests'
HTTPDigestAuth, against a running worker. Usage:

    python tests/e2e/xivo_digest.py BASE_URL USER PASSWORD

Creates, reads, updates and deletes a user, reads the other lists, and checks
that a wrong password is refused. Exits non-zero with a message on the first
failure.
"""

import sys

import requests
from requests.auth import HTTPDigestAuth

JSON = {"Accept": "application/json"}


def check(condition, message):
    if not condition:
        print(f"xivo_digest.py: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    base, user, password = sys.argv[1:4]
    session = requests.Session()
    session.auth = HTTPDigestAuth(user, password)
    session.headers.update(JSON)

    answer = session.get(f"{base}/1.0/users/")
    check(answer.status_code == 200, f"GET /1.0/users/: {answer.status_code} {answer.text}")
    check("items" in answer.json(), f"GET /1.0/users/ has no items: {answer.text}")

    answer = session.post(
        f"{base}/1.0/users/", json={"firstname": "Digest", "lastname": "Client"}
    )
    check(answer.status_code == 201, f"POST /1.0/users/: {answer.status_code} {answer.text}")
    location = answer.headers.get("Location", "")
    user_id = location.rstrip("/").rsplit("/", 1)[-1]
    check(user_id.isdigit(), f"POST /1.0/users/: Location {location!r}")

    answer = session.put(f"{base}/1.0/users/{user_id}", json={"lastname": "Renamed"})
    check(answer.status_code == 200, f"PUT /1.0/users/{user_id}: {answer.status_code} {answer.text}")
    answer = session.get(f"{base}/1.0/users/{user_id}")
    check(
        answer.status_code == 200 and answer.json().get("lastname") == "Renamed",
        f"GET /1.0/users/{user_id}: {answer.status_code} {answer.text}",
    )
    answer = session.delete(f"{base}/1.0/users/{user_id}")
    check(answer.status_code == 200, f"DELETE /1.0/users/{user_id}: {answer.status_code}")

    for path in ["/1.0/voicemails/", "/1.0/recording_campaigns/", "/1.0/CallCenter/agents/"]:
        answer = session.get(f"{base}{path}?_page=1&_pagesize=2")
        check(answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}")

    wrong = requests.get(
        f"{base}/1.0/users/", auth=HTTPDigestAuth(user, password + "-wrong"), headers=JSON
    )
    check(wrong.status_code == 401, f"a wrong password got {wrong.status_code}")
    check(
        "digest" in wrong.headers.get("WWW-Authenticate", "").lower(),
        "a 401 without a Digest challenge",
    )
    print("xivo_digest.py: Python requests' HTTPDigestAuth created, read, updated and deleted a user")


if __name__ == "__main__":
    main()
