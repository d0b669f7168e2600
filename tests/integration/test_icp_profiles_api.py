"""/v1/icp-profiles through a real server on each backend."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cleanlist_server.api.schemas import IcpProfile, IcpProfileDeleted, IcpProfileList
from cleanlist_server.scoring.icp import DEFAULT_PROFILE_DATA
from tests.conftest import Server
from tests.integration.lead_helpers import quick_key

SALES = {
    "name": "Sales leaders",
    "criteria": {
        "seniorities": ["VP", "director"],
        "departments": ["sales"],
        "company_sizes": ["201-500"],
        "industries": ["SaaS"],
        "countries": ["United States"],
        "competitors": ["https://www.rival.io/"],
    },
    "weights": {"seniority": 30, "intent": 10},
}


def listed(c: httpx.Client) -> list[dict[str, Any]]:
    r = c.get("/v1/icp-profiles")
    assert r.status_code == 200, r.text
    IcpProfileList.model_validate(r.json())
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def defaults(profiles: list[dict[str, Any]]) -> list[str]:
    return [p["name"] for p in profiles if p["default"]]


def test_a_new_account_gets_the_documented_default(server: Server) -> None:
    with server.client(quick_key(server)) as c:
        first = listed(c)
        again = listed(c)
    assert first == again and len(first) == 1
    profile = first[0]
    assert set(profile) == {
        "id",
        "name",
        "default",
        "criteria",
        "weights",
        "intent_half_life_days",
        "created_at",
        "updated_at",
    }
    assert profile["id"].startswith("icp_") and profile["default"] is True
    assert profile["name"] == DEFAULT_PROFILE_DATA["name"]
    assert profile["criteria"] == DEFAULT_PROFILE_DATA["criteria"]
    assert profile["weights"] == {} and profile["intent_half_life_days"] == 30.0
    assert profile["created_at"].endswith("Z")


def test_create_canonicalizes_and_moves_the_default(server: Server) -> None:
    with server.client(quick_key(server)) as c:
        built_in = listed(c)[0]
        r = c.post("/v1/icp-profiles", json={**SALES, "default": True})
        assert r.status_code == 201, r.text
        created = IcpProfile.model_validate(r.json()).model_dump(exclude_none=True)
        profiles = listed(c)
        fetched = c.get(f"/v1/icp-profiles/{r.json()['id']}").json()
    assert created["criteria"] == {
        "seniorities": ["vp", "director"],
        "departments": ["Sales"],
        "company_sizes": ["201-500"],
        "industries": ["SaaS"],
        "countries": ["US"],
        "competitors": ["rival.io"],
    }
    assert r.json()["weights"] == {"seniority": 30.0, "intent": 10.0}
    assert r.json()["default"] is True and fetched == r.json()
    assert [p["id"] for p in profiles] == [built_in["id"], r.json()["id"]]
    assert defaults(profiles) == ["Sales leaders"]


def test_a_non_default_profile_leaves_the_default_alone(server: Server) -> None:
    with server.client(quick_key(server)) as c:
        r = c.post("/v1/icp-profiles", json=SALES)
        profiles = listed(c)
    assert r.status_code == 201 and r.json()["default"] is False
    assert defaults(profiles) == [DEFAULT_PROFILE_DATA["name"]]


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        (
            {**SALES, "criteria": {"company_sizes": ["1-10", "huge"]}},
            "criteria.company_sizes[1]",
            "invalid_parameter",
        ),
        ({**SALES, "criteria": {"titles": ["CEO"]}}, "criteria.titles", "invalid_parameter"),
        ({**SALES, "criteria": {}}, "criteria", "invalid_parameter"),
        ({**SALES, "criteria": {"competitors": ["rival.io"]}}, "criteria", "invalid_parameter"),
        ({**SALES, "weights": {"industri": 5}}, "weights.industri", "invalid_parameter"),
        ({**SALES, "weights": {"revenue": 5}}, "weights.revenue", "invalid_parameter"),
        ({**SALES, "weights": {"intent": 500}}, "weights.intent", "invalid_parameter"),
        ({**SALES, "intent_half_life_days": 0}, "intent_half_life_days", "invalid_parameter"),
        ({**SALES, "name": "  "}, "name", "invalid_parameter"),
        ({**SALES, "default": "yes"}, "default", "invalid_parameter"),
        ({**SALES, "colour": "red"}, "colour", "unknown_parameter"),
        ({"criteria": SALES["criteria"]}, "name", "invalid_parameter"),
        ({**SALES, "criteria": ["vp"]}, "criteria", "invalid_parameter"),
    ],
)
def test_invalid_profiles_name_the_parameter(
    server: Server, body: dict[str, Any], param: str, code: str
) -> None:
    with server.client(quick_key(server)) as c:
        r = c.post("/v1/icp-profiles", json=body)
        profiles = listed(c)
    assert r.status_code == 422, r.text
    assert (r.json()["error"]["param"], r.json()["error"]["code"]) == (param, code)
    assert len(profiles) == 1  # nothing was written


def test_duplicate_names_conflict(server: Server) -> None:
    with server.client(quick_key(server)) as c:
        assert c.post("/v1/icp-profiles", json=SALES).status_code == 201
        again = c.post("/v1/icp-profiles", json={**SALES, "default": True})
        other = c.post("/v1/icp-profiles", json={**SALES, "name": "Other"}).json()
        rename = c.patch(f"/v1/icp-profiles/{other['id']}", json={"name": "Sales leaders"})
        profiles = listed(c)
    for r in (again, rename):
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "profile_name_taken"
        assert r.json()["error"]["param"] == "name"
    assert defaults(profiles) == [DEFAULT_PROFILE_DATA["name"]]  # the refused one changed nothing


def test_patch_changes_only_what_is_given(server: Server) -> None:
    with server.client(quick_key(server)) as c:
        created = c.post("/v1/icp-profiles", json=SALES).json()
        pid = created["id"]
        renamed = c.patch(f"/v1/icp-profiles/{pid}", json={"name": "Renamed"})
        criteria = c.patch(f"/v1/icp-profiles/{pid}", json={"criteria": {"departments": ["Sales"]}})
        bad = c.patch(f"/v1/icp-profiles/{pid}", json={"criteria": {"countries": ["Atlantis"]}})
        after = c.get(f"/v1/icp-profiles/{pid}").json()
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"
    assert renamed.json()["criteria"] == created["criteria"]
    # weights name criteria the new criteria no longer set: refused, naming the weight
    assert criteria.status_code == 422
    assert criteria.json()["error"]["param"] == "weights.seniority"
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "criteria.countries[0]"
    assert after == renamed.json()


def test_the_default_moves_and_cannot_be_unset(server: Server) -> None:
    with server.client(quick_key(server)) as c:
        built_in = listed(c)[0]
        created = c.post("/v1/icp-profiles", json=SALES).json()
        unset = c.patch(f"/v1/icp-profiles/{built_in['id']}", json={"default": False})
        moved = c.patch(f"/v1/icp-profiles/{created['id']}", json={"default": True})
        profiles = listed(c)
    assert unset.status_code == 422 and unset.json()["error"]["param"] == "default"
    assert moved.status_code == 200 and moved.json()["default"] is True
    assert defaults(profiles) == ["Sales leaders"]
    assert moved.json()["updated_at"] >= created["updated_at"]


def test_delete_promotes_the_oldest_and_the_built_in_comes_back(server: Server) -> None:
    with server.client(quick_key(server)) as c:
        built_in = listed(c)[0]
        second = c.post("/v1/icp-profiles", json=SALES).json()
        third = c.post("/v1/icp-profiles", json={**SALES, "name": "Third"}).json()
        gone = c.delete(f"/v1/icp-profiles/{built_in['id']}")
        after_first = listed(c)
        c.delete(f"/v1/icp-profiles/{third['id']}")
        last = c.delete(f"/v1/icp-profiles/{second['id']}")
        again = c.get(f"/v1/icp-profiles/{second['id']}")
        twice = c.delete(f"/v1/icp-profiles/{second['id']}")
        reborn = listed(c)
    assert gone.status_code == 200
    IcpProfileDeleted.model_validate(gone.json())
    assert gone.json() == {"id": built_in["id"], "deleted": True, "promoted_default": second["id"]}
    assert defaults(after_first) == ["Sales leaders"] and len(after_first) == 2
    assert last.json()["promoted_default"] is None
    assert again.status_code == 404 and twice.status_code == 404
    assert len(reborn) == 1 and reborn[0]["default"] is True
    assert reborn[0]["name"] == DEFAULT_PROFILE_DATA["name"] and reborn[0]["id"] != built_in["id"]


def test_other_accounts_profiles_are_404(server: Server) -> None:
    with server.client(quick_key(server)) as mine:
        created = mine.post("/v1/icp-profiles", json=SALES).json()
    pid = created["id"]
    with server.client(quick_key(server)) as theirs:
        answers = [
            theirs.get(f"/v1/icp-profiles/{pid}"),
            theirs.patch(f"/v1/icp-profiles/{pid}", json={"name": "Mine now"}),
            theirs.delete(f"/v1/icp-profiles/{pid}"),
            theirs.get("/v1/icp-profiles/icp_doesnotexist"),
        ]
        their_list = listed(theirs)
    for r in answers:
        assert r.status_code == 404, r.text
        assert r.json()["error"] == {
            "type": "invalid_request_error",
            "code": "not_found",
            "message": r.json()["error"]["message"],
            "param": "id",
        }
    assert pid not in {p["id"] for p in their_list}


def test_profiles_need_a_key(server: Server) -> None:
    r = httpx.get(server.base_url + "/v1/icp-profiles")
    assert r.status_code == 401 and r.json()["error"]["param"] == "Authorization"


def test_openapi_documents_the_new_endpoints(server: Server) -> None:
    doc = httpx.get(server.base_url + "/openapi.json").json()
    paths = doc["paths"]
    assert set(paths["/v1/icp-profiles"]) == {"get", "post"}
    assert set(paths["/v1/icp-profiles/{profile_id}"]) == {"get", "patch", "delete"}
    assert "post" in paths["/v1/enrich/lead"] and "post" in paths["/v1/events"]
    schemas = doc["components"]["schemas"]
    assert {"Lead", "LeadEnrichment", "CompanyLeads", "IcpProfile", "EventBatch"} <= set(schemas)
    assert "icp_breakdown" in schemas["Lead"]["properties"]


def test_the_sdk_manages_profiles_and_sends_events(server: Server) -> None:
    from cleanlist import Cleanlist, NotFoundError, UnprocessableEntityError

    with Cleanlist(api_key=quick_key(server), base_url=server.base_url) as client:
        created = client.icp_profiles.create(
            name="SDK sales leaders",
            default=True,
            criteria={"seniorities": ["vp"], "departments": ["Sales"], "countries": ["US"]},
        )
        listed_ids = [p["id"] for p in client.icp_profiles.list()["data"]]
        renamed = client.icp_profiles.update(created["id"], name="SDK revenue leaders")
        fetched = client.icp_profiles.retrieve(created["id"])
        with pytest.raises(UnprocessableEntityError) as bad:
            client.icp_profiles.create(name="bad", criteria={"seniorities": ["wizard"]})
        sent = client.events.send(
            [
                {
                    "type": "page_view",
                    "email": "jane@acme.test",
                    "url": "https://you.example/pricing",
                    "occurred_at": "2026-11-01T10:00:00Z",
                }
            ]
        )
        client.icp_profiles.delete(created["id"])
        with pytest.raises(NotFoundError):
            client.icp_profiles.retrieve(created["id"])
    assert created["id"] in listed_ids and created["default"] is True
    assert renamed["name"] == fetched["name"] == "SDK revenue leaders"
    assert bad.value.param == "criteria.seniorities[0]"
    assert sent == {"accepted": 1}
