"""Django's stock messages, as our forms show them, read as Chinese a clerk can act on.

Some of Django's own zh_Hans translations are wrong or read like a machine's: a NUL character pasted
from another program is refused with "不允许是用空字符串。" (it says *empty strings are not allowed*, with a
typo), a duplicate is "包含 学校 和 名称 的 学期 已经存在。", a too-long text "确保该变量包含不超过 …".
``sanke/locale`` comes first in LOCALE_PATHS, so its catalogue overrides Django's for these messages.
"""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from sanke.timetable.models import Term


def errors_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


@pytest.mark.django_db
def test_a_nul_character_is_refused_as_a_control_character(world, county_admin, client_for):
    school = world.schools["host"]
    grade = school.grades.order_by("number").first()
    response = client_for(county_admin).post(
        reverse("org:class_create", args=[school.pk]), {"grade": grade.pk, "name": "(9\x00)班"}
    )
    assert response.status_code == 200
    message = errors_of(response)
    assert "控制字符" in message and "空字符串" not in message


def test_a_duplicate_without_its_own_message_reads_as_chinese_not_as_a_template():
    # (the class duplicate has its own message: org/tests/test_typed_ids.py); the stock one, for the others
    with translation.override("zh-hans"):
        pair = " ".join(Term().unique_error_message(Term, ["school", "name"]).messages)
        single = " ".join(Term().unique_error_message(Term, ["name"]).messages)
    assert pair.startswith("已有") and "学期" in pair and "请修改" in pair and "包含" not in pair, pair
    assert single.startswith("已有") and "学期" in single and "已存在" not in single, single


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (forms.CharField(max_length=3), "abcd", "最多 3 个字"),
        (forms.CharField(min_length=3), "ab", "至少 3 个字"),
        (forms.IntegerField(), "x", "半角数字"),
        (forms.IntegerField(max_value=5), "6", "不能大于 5"),
        (forms.IntegerField(min_value=5), "4", "不能小于 5"),
        (forms.DateField(), "x", "2026-09-01"),
        (forms.ChoiceField(choices=[("a", "A")]), "b", "请从列表中选择"),
    ],
)
def test_stock_field_messages_say_what_to_do(field, value, expected):
    with translation.override("zh-hans"):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(value)
        message = " ".join(refused.value.messages)
    assert expected in message, message
    assert "变量" not in message and "确保" not in message
