"""The `npq_mock` pytest plugin, from a fresh test file run by pytester (entry point, not -p)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_npq_mock_fixture_serves_a_world_with_tokens_and_helpers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json, time, urllib.request

        def get(npq_mock, path, token):
            request = urllib.request.Request(npq_mock.base_url + path,
                                             headers={"Authorization": "Bearer " + token})
            with urllib.request.urlopen(request) as answer:
                return json.load(answer)

        def test_session_mock(npq_mock):
            assert npq_mock.base_url.startswith("http://127.0.0.1:")
            assert npq_mock.token == npq_mock.tokens[0] and len(npq_mock.tokens) >= 2
            assert get(npq_mock, "/api/v1/npq-applications", npq_mock.token)["data"]

        def test_helpers(npq_mock):
            npq_mock.reset(empty=True)
            assert get(npq_mock, "/api/v1/npq-applications", npq_mock.token)["data"] == []
            assert npq_mock.freeze_clock("2025-06-01T12:00:00Z")["now"] == "2025-06-01T12:00:00Z"
            created = npq_mock.create_application(status="accepted", cohort=2023)
            listed = get(npq_mock, "/api/v1/npq-applications", npq_mock.token)["data"]
            assert [a["id"] for a in listed] == [created["id"]]
            other = npq_mock.create_application(token=npq_mock.tokens[1])
            assert other["id"] not in [a["id"] for a in listed]
            assert npq_mock.settings(delivery_partner_rule=False)["delivery_partner_rule"] is False
            status, body = npq_mock.request("GET", "/api/v1/npq-applications", token="wrong")
            assert status == 401 and body == {"error": "HTTP Token: Access denied"}
            assert npq_mock.journal(status="401", limit=1)[0]["rules"] == ["auth.access_denied"]
            npq_mock.reset()
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_declaration_state_helper_and_a_small_world(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def npq_mock_settings():
            return {"applications": 15, "seed": 3}
        """
    )
    pytester.makepyfile(
        """
        import json, time, urllib.request

        def test_small_world(npq_mock):
            request = urllib.request.Request(npq_mock.base_url + "/__mock__/world")
            with urllib.request.urlopen(request) as answer:
                world = json.load(answer)
            assert world["seed"] == 3
            assert sum(world["counts"]["applications"].values()) == 15
            status, body = npq_mock.request("GET", "/api/v1/participant-declarations", token=npq_mock.token)
            declarations = body["data"]
            if declarations:
                moved = npq_mock.set_declaration_state(declarations[0]["id"], "eligible")
                assert moved["id"] == declarations[0]["id"]
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_idle_unless_asked_for_and_leaves_other_fixtures_alone(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def token():
            return "mine"
        """
    )
    pytester.makepyfile(
        """
        import sys

        def test_without_the_mock(token):
            assert token == "mine"
            assert "mockserver.app" not in sys.modules and "flask" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    listed = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    assert "npq_mock" in listed.stdout.str()


def test_a_world_per_test_when_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json, urllib.request, urllib.error

        def status(npq_mock, path, token):
            request = urllib.request.Request(npq_mock.base_url + path,
                                             headers={"Authorization": "Bearer " + token})
            try:
                with urllib.request.urlopen(request) as answer:
                    return answer.status, json.load(answer)
            except urllib.error.HTTPError as error:
                return error.code, None

        KEPT = {}

        def test_first(npq_mock_world, npq_mock):
            assert npq_mock_world.world != npq_mock.world and npq_mock_world.token != npq_mock.token
            npq_mock_world.reset(empty=True)
            assert status(npq_mock_world, "/api/v3/npq-applications", npq_mock_world.token)[1]["data"] == []
            assert status(npq_mock, "/api/v3/npq-applications", npq_mock.token)[1]["data"] != []
            KEPT["token"] = npq_mock_world.token

        def test_second(npq_mock_world, npq_mock):
            assert status(npq_mock, "/api/v1/npq-applications", KEPT["token"])[0] == 401
            assert status(npq_mock_world, "/api/v1/npq-applications", npq_mock_world.token)[1]["data"] != []
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
