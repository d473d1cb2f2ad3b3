"""Resumable uploads (tus 1.0): a chunk twice, out of order, after a timeout or cut short never corrupts
or duplicates the file; limits, sniffing, scope and termination."""

from __future__ import annotations

import fcntl

import pytest

from sanke.recordings import storage
from sanke.recordings.choices import FailureReason, RecordingState
from sanke.recordings.models import Recording

CHUNK = 256 * 1024


def _recording(response) -> Recording:
    upload_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    return Recording.objects.get(upload_id=upload_id)


def _stored_bytes(recording: Recording) -> bytes:
    with storage.open_stored(recording.source) as handle:
        return handle.read()


def test_chunks_sent_twice_out_of_order_and_after_a_break_give_the_exact_file(
    world, host_teacher, tus_for, english_lesson, video60
):
    # given a 60 s video and a tus upload for the teacher's lesson
    data = video60.read_bytes()
    tus = tus_for(host_teacher)
    created = tus.create(len(data), filename="lesson.mp4", title="英语课实录", lesson=english_lesson.pk)
    assert created.status_code == 201 and created["Tus-Resumable"] == "1.0.0"
    url = created["Location"]
    chunks = [(o, data[o : o + CHUNK]) for o in range(0, len(data), CHUNK)]

    # when the first chunk arrives, then again (a retry after a timeout whose answer was lost)
    assert tus.patch(url, 0, chunks[0][1]).status_code == 204
    again = tus.patch(url, 0, chunks[0][1])
    # and a later chunk arrives before the second one
    early = tus.patch(url, chunks[2][0], chunks[2][1])

    # then both are refused and the server still says where it stands
    assert again.status_code == 409 and early.status_code == 409
    assert tus.head(url)["Upload-Offset"] == str(CHUNK)

    # when the connection breaks midway and the client resumes from HEAD's offset
    for offset, chunk in chunks[1:5]:
        assert tus.patch(url, offset, chunk).status_code == 204
    resume_at = int(tus.head(url)["Upload-Offset"])
    assert resume_at == chunks[5][0]
    for offset, chunk in chunks[5:]:
        answer = tus.patch(url, offset, chunk)
        assert answer.status_code == 204, answer.content
        assert tus.patch(url, offset, chunk).status_code == 409  # every chunk also arrives twice

    # then the stored file is the video, byte for byte, queued for transcoding
    recording = _recording(created)
    assert recording.state == RecordingState.QUEUED
    assert (
        recording.lesson == english_lesson and recording.school == english_lesson.series.alliance.host_school
    )
    assert _stored_bytes(recording) == data
    assert abs(recording.source_duration - 60) < 0.5
    assert not storage.partial_path(recording.upload_id).exists()
    assert Recording.objects.count() == 1


def test_bytes_of_a_request_that_died_before_its_row_moved_are_cut_off(world, host_teacher, tus_for, video60):
    data = video60.read_bytes()
    tus = tus_for(host_teacher)
    created = tus.create(len(data), filename="v.mp4", school=host_teacher.person.school_id)
    url = created["Location"]
    assert tus.patch(url, 0, data[:CHUNK]).status_code == 204
    recording = _recording(created)
    # a request wrote half a chunk and its process died before the offset was recorded
    with open(storage.partial_path(recording.upload_id), "ab") as handle:
        handle.write(b"\0garbage" * 1000)
    assert tus.head(url)["Upload-Offset"] == str(CHUNK)
    assert tus.patch(url, CHUNK, data[CHUNK:]).status_code == 204
    recording.refresh_from_db()
    assert recording.state == RecordingState.QUEUED and _stored_bytes(recording) == data


def test_a_chunk_is_refused_while_another_request_writes_the_same_upload(world, host_teacher, tus_for):
    tus = tus_for(host_teacher)
    created = tus.create(1000, filename="v.mp4", school=host_teacher.person.school_id)
    recording = _recording(created)
    with open(storage.partial_path(recording.upload_id), "r+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        refused = tus.patch(created["Location"], 0, b"x" * 100)
    assert refused.status_code == 409
    assert tus.patch(created["Location"], 0, b"x" * 100).status_code == 204
    assert storage.partial_path(recording.upload_id).stat().st_size == 100


def test_a_chunk_past_the_declared_size_is_refused(world, host_teacher, tus_for):
    tus = tus_for(host_teacher)
    created = tus.create(100, filename="v.mp4", school=host_teacher.person.school_id)
    assert tus.patch(created["Location"], 0, b"x" * 101).status_code == 413
    assert tus.head(created["Location"])["Upload-Offset"] == "0"


def test_a_file_that_is_not_a_video_fails_with_a_chinese_reason(world, host_teacher, tus_for, client_for):
    tus = tus_for(host_teacher)
    data = b"MZ this is not a video at all" * 100
    created = tus.create(len(data), filename="lesson.mp4", school=host_teacher.person.school_id)
    assert tus.patch(created["Location"], 0, data).status_code == 204
    recording = _recording(created)
    assert recording.state == RecordingState.FAILED and recording.failure == FailureReason.NOT_A_VIDEO
    status = client_for(host_teacher).get(f"/recordings/{recording.pk}/status/").json()
    assert status["label"] == "处理失败" and "不是" in status["failure"]
    assert not storage.partial_path(recording.upload_id).exists()


@pytest.mark.parametrize(
    ("name", "length", "status"),
    [("lesson.exe", 1000, 415), ("lesson.mp4", 0, 400), ("lesson.mp4", 9 * 1024**3, 413)],
)
def test_creation_refuses_wrong_types_and_sizes(world, host_teacher, tus_for, name, length, status):
    answer = tus_for(host_teacher).create(length, filename=name, school=host_teacher.person.school_id)
    assert answer.status_code == status
    assert "text/plain" in answer["Content-Type"] and answer.content.decode()  # a Chinese sentence
    assert not Recording.objects.exists()


def test_unfinished_uploads_per_user_are_limited(world, host_teacher, tus_for, settings):
    settings.SANKE_RECORDING_OPEN_UPLOADS = 2
    tus = tus_for(host_teacher)
    school = host_teacher.person.school_id
    assert [tus.create(10, filename="a.mp4", school=school).status_code for _ in range(3)] == [201, 201, 429]


def test_another_county_cannot_upload_for_the_lesson_nor_touch_the_upload(
    world, host_teacher, outsider, tus_for, english_lesson
):
    created = tus_for(host_teacher).create(100, filename="v.mp4", lesson=english_lesson.pk)
    stranger = tus_for(outsider)
    assert stranger.create(100, filename="v.mp4", lesson=english_lesson.pk).status_code == 404
    assert stranger.head(created["Location"]).status_code == 404
    assert stranger.patch(created["Location"], 0, b"x" * 100).status_code == 404
    assert stranger.delete(created["Location"]).status_code == 404
    assert Recording.objects.get().upload_offset == 0


def test_a_student_cannot_upload(world, student, tus_for, english_lesson):
    assert tus_for(student).create(100, filename="v.mp4", lesson=english_lesson.pk).status_code == 403


def test_termination_removes_the_upload_and_its_file(
    world, host_teacher, tus_for, django_capture_on_commit_callbacks
):
    tus = tus_for(host_teacher)
    created = tus.create(1000, filename="v.mp4", school=host_teacher.person.school_id)
    recording = _recording(created)
    tus.patch(created["Location"], 0, b"x" * 10)
    assert storage.partial_path(recording.upload_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert tus.delete(created["Location"]).status_code == 204
    assert not Recording.objects.exists()
    assert not storage.partial_path(recording.upload_id).exists()
