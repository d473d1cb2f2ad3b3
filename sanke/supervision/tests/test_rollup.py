"""The upper side of the roll-up exchange: keys and idempotent upsert of batches (decision 0018)."""

import pytest

from sanke.supervision.models import ReceivedIndicatorDay
from sanke.supervision.rollup import (
    BatchRefused,
    do_issue_rollup_key,
    do_receive_rollup_batch,
    do_revoke_rollup_key,
    peer_for_key,
)

pytestmark = pytest.mark.django_db


def _row(day="2026-12-01", code="640502", **counts):
    return {"day": day, "dimension": "region", "code": code, "lessons": 3, "held": 2, **counts}


def test_a_resent_batch_changes_nothing():
    # given
    peer, _key = do_issue_rollup_key(name="Shapotou", region_code="640502", own_region_code="640500")
    batch = {"rows": [_row(), _row(day="2026-12-02")]}
    do_receive_rollup_batch(peer, batch)
    before = list(ReceivedIndicatorDay.objects.order_by("day").values())
    # when
    stored = do_receive_rollup_batch(peer, batch)
    # then
    assert list(ReceivedIndicatorDay.objects.order_by("day").values()) == before
    assert stored.stored == 2 and str(stored.last_day) == "2026-12-02"


def test_it_refuses_a_wrong_or_revoked_key():
    peer, key = do_issue_rollup_key(name="Shapotou", region_code="640502", own_region_code="640500")
    assert peer_for_key(key) == peer
    assert peer_for_key(key + "x") is None
    assert peer_for_key("garbage") is None
    do_revoke_rollup_key(peer)
    assert peer_for_key(key) is None


def test_it_refuses_a_code_outside_the_region_and_stores_nothing():
    peer, _key = do_issue_rollup_key(name="Shapotou", region_code="640502", own_region_code="640500")
    with pytest.raises(BatchRefused) as refused:
        do_receive_rollup_batch(peer, {"rows": [_row(), _row(code="110101")]})
    assert refused.value.code == "outside_region"
    assert ReceivedIndicatorDay.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"rows": "x"},
        {"rows": [{"dimension": "teacher"}]},
        {"rows": [_row(day="nope")]},
        {"rows": [_row(held=-1)]},
    ],
)
def test_a_malformed_batch_is_refused(payload):
    peer, _key = do_issue_rollup_key(name="Shapotou", region_code="640502", own_region_code="640500")
    with pytest.raises(BatchRefused):
        do_receive_rollup_batch(peer, payload)


def test_a_too_large_batch_is_refused():
    peer, _key = do_issue_rollup_key(name="Shapotou", region_code="640502", own_region_code="640500")
    with pytest.raises(BatchRefused) as refused:
        do_receive_rollup_batch(peer, {"rows": [_row()] * 5001})
    assert refused.value.code == "too_many_rows"


def _post(client, body, key):
    return client.post(
        "/api/v1/rollup/batches/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_the_api_stores_a_batch_and_refuses_a_wrong_key(client):
    peer, key = do_issue_rollup_key(name="Shapotou", region_code="640502", own_region_code="640500")
    body = '{"format": 1, "rows": [{"day": "2026-12-01", "dimension": "region", "code": "640502"}]}'
    assert _post(client, body, key + "x").status_code == 401
    assert ReceivedIndicatorDay.objects.count() == 0
    answer = _post(client, body, key)
    assert answer.status_code == 200 and answer.json()["last_day"] == "2026-12-01"
    assert _post(client, "{not json", key).status_code == 400
    assert _post(client, b"\xff\xfe", key).status_code == 400


def _indicator_day(day):
    import datetime as dt

    from sanke.supervision.models import IndicatorDay

    IndicatorDay.objects.create(
        day=dt.date.fromisoformat(day),
        week=dt.date.fromisoformat(day),
        dimension="region",
        key="640502",
        region_code="640502",
        lessons=4,
        held=3,
    )


def test_an_offline_upper_level_leaves_the_watermark_unchanged():
    from sanke.supervision.models import RollupWatermark
    from sanke.supervision.sending import do_send_rollup

    _indicator_day("2026-12-01")
    result = do_send_rollup(url="http://127.0.0.1:9", key="k", timeout=2)
    assert result.error and result.batches == 0
    assert RollupWatermark.objects.get().last_day is None


@pytest.mark.django_db(transaction=True)
def test_the_sender_fills_the_gap_and_a_resend_changes_nothing(live_server):
    from sanke.supervision.models import RollupWatermark
    from sanke.supervision.sending import do_send_rollup

    _peer, key = do_issue_rollup_key(name="Shapotou", region_code="640502", own_region_code="640500")
    _indicator_day("2026-12-01")
    assert do_send_rollup(url=live_server.url, key=key).rows == 1
    _indicator_day("2026-12-02")
    before = ReceivedIndicatorDay.objects.count()
    result = do_send_rollup(url=live_server.url, key=key)
    assert result.error == "" and str(result.last_day) == "2026-12-02"
    assert ReceivedIndicatorDay.objects.count() == before + 1 == 2
    assert str(RollupWatermark.objects.get().last_day) == "2026-12-02"
    assert do_send_rollup(url=live_server.url, key="bad.key").error


def test_a_county_code_ending_in_zero_covers_only_itself():
    from sanke.supervision.rollup import division_prefix

    assert division_prefix("330000") == "33"
    assert division_prefix("330100") == "3301"
    assert division_prefix("640510") == "640510"  # not 64051, which would admit 640512
    assert not "640512".startswith(division_prefix("640510"))


def test_the_beat_sends_the_rollup_and_sends_nothing_when_no_upper_level_is_set(db, settings):
    from sanke.supervision.models import RollupWatermark
    from sanke.supervision.tasks import send_rollup

    assert settings.CELERY_BEAT_SCHEDULE["send-rollup"]["task"] == "supervision.send_rollup"
    settings.SANKE_ROLLUP_URL = ""
    settings.SANKE_ROLLUP_KEY = ""
    assert send_rollup() == 0
    assert not RollupWatermark.objects.exists()
