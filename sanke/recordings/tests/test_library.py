"""The recordings library: filters with known answers, scope, and bad input that never fails the page."""

from __future__ import annotations

import pytest
from django.test import Client

from sanke.recordings.models import Recording
from sanke.recordings.tests.factories import published_recording


@pytest.fixture
def two_recordings(world, host_teacher, english_lesson):
    """The English lesson of 2026-11-24 (received by grades 3 and 4) and a library video of the host
    school."""
    lesson_recording, _ = published_recording(english_lesson, host_teacher)
    library = Recording.objects.create(
        school=english_lesson.series.alliance.host_school,
        title="校本课程：剪纸",
        uploaded_by=host_teacher,
        file_name="paper.mp4",
    )
    return lesson_recording, library


def _titles(client, query: str = "") -> set[str]:
    response = client.get(f"/recordings/?{query}")
    assert response.status_code == 200
    return {r.title for r in response.context["object_list"]}


@pytest.mark.django_db
def test_the_library_filters_by_grade_subject_teacher_school_and_date(world, two_recordings, county_admin):
    client = Client()
    client.force_login(county_admin)
    both = {"英语课实录", "校本课程：剪纸"}
    assert _titles(client) == both
    assert _titles(client, "grade=3") == {"英语课实录"}  # a receiving grade of the lesson's series
    assert _titles(client, "grade=6") == set()
    assert _titles(client, "subject=英语") == {"英语课实录"}
    assert _titles(client, "subject=数学") == set()
    assert _titles(client, "q=剪纸") == {"校本课程：剪纸"}
    teacher = two_recordings[0].lesson.series.host_teacher.name
    assert "英语课实录" in _titles(client, f"q={teacher}")  # the lesson's teacher
    assert _titles(client, f"alliance={world.alliances['english'].pk}") == {"英语课实录"}
    assert _titles(client, f"school={world.schools['host'].pk}") == both
    assert _titles(client, f"school={world.schools['longjing'].pk}") == set()
    # a lesson's recording is dated by its lesson (2026-11-24), a library video by its upload (today)
    assert _titles(client, "until=2026-11-24") == {"英语课实录"}
    assert _titles(client, "since=2026-11-25") == {"校本课程：剪纸"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["q=a%00b", "grade=99", "since=9999-99-99", "school=%C2%B2", "subject=" + "长" * 80]
)
def test_bad_filters_answer_the_page_without_an_error(world, two_recordings, county_admin, query):
    client = Client(raise_request_exception=False)
    client.force_login(county_admin)
    assert client.get(f"/recordings/?{query}").status_code == 200


@pytest.mark.django_db
def test_another_county_sees_none_of_them(world, two_recordings, outsider):
    client = Client()
    client.force_login(outsider)
    assert _titles(client) == set()
