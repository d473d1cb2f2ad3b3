from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sanke.accounts.choices import Role
from sanke.accounts.models import User
from sanke.core.scoping import CHANGE
from sanke.org.models import Classroom, Region, School


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After 5 failed attempts the account is locked for a while."
        ),
        "inactive": _("This account is disabled."),
    }


class GrantRoleForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False)
    classroom = forms.ModelChoiceField(
        label=_("Classroom"), queryset=Classroom.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = Region.objects.visible_to(user, CHANGE)
        school = cast(forms.ModelChoiceField, self.fields["school"])
        school.queryset = School.objects.visible_to(user, CHANGE).select_related("region")
        classroom = cast(forms.ModelChoiceField, self.fields["classroom"])
        classroom.queryset = (
            Classroom.objects.visible_to(user).filter(school__in=School.objects.visible_to(user, CHANGE))
        ).select_related("school")
        self.fields["region"].help_text = _(
            "For bureau administrators, researchers, reviewers and inspectors."
        )
        self.fields["classroom"].help_text = _("For classroom terminals.")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            self.target_user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No account with this username.")) from None
        return username


class CreateAccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput)

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data, never None
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class NewAccountForm(GrantRoleForm):
    """A new login with its first role, for colleagues who are not in a school's people list."""

    display_name = forms.CharField(label=_("Display name"), max_length=64)
    password1 = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput)

    field_order = [
        "username",
        "display_name",
        "password1",
        "password2",
        "role",
        "region",
        "school",
        "classroom",
    ]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data, never None
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
