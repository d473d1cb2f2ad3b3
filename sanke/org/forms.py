"""Forms of the organisation pages. They validate; actions save."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sanke.core.crypto import digest, mask_national_id
from sanke.core.probes import check_unique_value
from sanke.core.scoping import CHANGE
from sanke.core.text import DigitFoldedCharField, NormalizedCharField
from sanke.org.choices import PersonKind, SchoolKind
from sanke.org.models import (
    NATIONAL_ID_REFUSED,
    ClassGroup,
    Classroom,
    Equipment,
    Grade,
    Person,
    Region,
    School,
)
from sanke.org.validators import national_id_checksum_ok


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["parent", "level", "code", "name"]
        field_classes = {"code": NormalizedCharField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        manageable = list(Region.objects.visible_to(user, CHANGE).values_list("pk", flat=True))
        if self.instance.parent_id:
            manageable.append(self.instance.parent_id)  # a county admin edits their county, not its parent
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        parent.queryset = Region.objects.filter(pk__in=manageable)
        if self.instance.pk:
            # Moving a region or changing its code would re-scope every grant below it: not here.
            for name in ("parent", "level", "code"):
                self.fields[name].disabled = True


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "kind",
            "region",
            "central_school",
            "address",
            "contact_name",
            "contact_phone",
            "is_active",
        ]
        field_classes = {"code": NormalizedCharField, "contact_phone": NormalizedCharField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.visible_to(user, CHANGE).filter(level="county")
        regions = list(counties.values_list("pk", flat=True))
        if self.instance.pk and self.instance.region_id not in regions:
            regions.append(self.instance.region_id)
            self.fields["region"].disabled = True  # school admins may edit their school, not move it
            self.fields["code"].disabled = True
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = Region.objects.filter(pk__in=regions)
        central_school = cast(forms.ModelChoiceField, self.fields["central_school"])
        central_school.queryset = (
            School.objects.visible_to(user).exclude(kind=SchoolKind.TEACHING_POINT).select_related("region")
        )


class GradeForm(forms.ModelForm):
    class Meta:
        model = Grade
        fields = ["number"]


class ClassGroupForm(forms.ModelForm):
    class Meta:
        model = ClassGroup
        fields = ["grade", "name", "head_teacher"]
        field_classes = {"name": DigitFoldedCharField}  # "(１)班" is the class "(1)班"

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        grade = cast(forms.ModelChoiceField, self.fields["grade"])
        grade.queryset = school.grades.all()
        head_teacher = cast(forms.ModelChoiceField, self.fields["head_teacher"])
        head_teacher.queryset = school.people.filter(kind=PersonKind.TEACHER)


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = [
            "name",
            "location",
            "capacity",
            "host_capable",
            "receiver_capable",
            "recording_capable",
            "home_class",
        ]
        field_classes = {"name": DigitFoldedCharField}

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        home_class = cast(forms.ModelChoiceField, self.fields["home_class"])
        home_class.queryset = school.class_groups.select_related("grade")


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["kind", "model_name", "serial_number", "status", "notes"]


class MaskedInput(forms.TextInput):
    """A text input that never prints the stored value (personal data is shown masked only)."""

    def format_value(self, value):
        return None


class StoredSecretField(NormalizedCharField):
    """Empty input means "unchanged", so re-saving a person doesn't count as changing their ID number."""

    def has_changed(self, initial, data) -> bool:
        return bool(data) and super().has_changed(initial, data)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "kind",
            "name",
            "gender",
            "number",
            "class_group",
            "subjects",
            "honour_level",
            "national_id",
            "phone",
        ]
        widgets = {"national_id": forms.TextInput(), "phone": forms.TextInput()}
        # staff / student numbers, ID card and mobile numbers typed full-width: "１３８…" is 138…
        field_classes = {
            "number": NormalizedCharField,
            "national_id": NormalizedCharField,
            "phone": NormalizedCharField,
        }

    def __init__(self, *args, school: School, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.acting_user = user  # who types the ID card number: decides what a clash may tell them
        class_group = cast(forms.ModelChoiceField, self.fields["class_group"])
        class_group.queryset = school.class_groups.select_related("grade")
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [c for c in PersonKind.choices if c[0] != PersonKind.STAFF] + [
            (PersonKind.STAFF, PersonKind.STAFF.label)
        ]
        if self.instance.pk:
            # Personal data stays masked on screen, in edit forms too: the stored number is never
            # printed; the masked value is the placeholder and an empty field keeps what is stored.
            for name, masked in (
                ("national_id", self.instance.masked_national_id),
                ("phone", self.instance.masked_phone),
            ):
                old = self.fields[name]
                self.fields[name] = StoredSecretField(
                    label=old.label,
                    required=False,
                    widget=MaskedInput(attrs={"placeholder": masked}),
                    help_text=_("Leave empty to keep the stored number.") if masked else "",
                )

    def _keep_if_empty(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value and self.instance.pk:
            return (
                type(self.instance).objects.filter(pk=self.instance.pk).values_list(name, flat=True).first()
            )
        return value

    def clean_national_id(self) -> str:
        value = self._keep_if_empty("national_id").upper()
        if value and national_id_checksum_ok(value) and digest(value) != self.instance.national_id_digest:
            # scope: the number is unique platform-wide; check_unique_value decides what the clash may say
            holder = (
                Person.objects.filter(national_id_digest=digest(value)).exclude(pk=self.instance.pk).first()
            )
            visible = (
                holder is not None
                and self.acting_user is not None
                and Person.objects.visible_to(self.acting_user).filter(pk=holder.pk).exists()
            )
            check_unique_value(
                self.acting_user,
                holder=holder,
                visible=visible,
                taken_message=_("Another person already has this ID card number."),
                neutral_message=NATIONAL_ID_REFUSED,
                audit_action="org.person.national_id_refused",
                audit_changes={"national_id": mask_national_id(value), "school": str(self.instance.school)},
            )
        return value

    def clean_phone(self) -> str:
        return self._keep_if_empty("phone")
