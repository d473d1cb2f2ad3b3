from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sanke.accounts.actions import USERNAME_REFUSED, account_home_within, user_placement
from sanke.accounts.choices import Role
from sanke.accounts.models import User
from sanke.core.probes import check_unique_value
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
        self.acting_user = user
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
        """Find the account among those the admin looks after; one answer for "no such account" and
        "an account of another school or bureau", so the form cannot be used to learn which usernames
        exist elsewhere (``account_home_within`` refuses such a grant anyway)."""
        username = self.cleaned_data["username"].strip()
        target = User.objects.visible_to(self.acting_user, CHANGE).filter(username=username).first()
        if target is None or not account_home_within(self.acting_user, target):
            raise forms.ValidationError(
                _(
                    "No account with this username among the accounts you look after. Check the "
                    "username; an account of another school or bureau gets its roles from its own "
                    "administrators."
                )
            )
        self.target_user = target
        return username


def check_username_free(username: str, acting_user) -> None:
    """Refuse a username that is taken, saying so only when the account is one ``acting_user`` sees.

    Usernames are unique on the whole platform, so "taken" would tell an admin of county B that an
    account exists in county A; outside their reach the answer is neutral, audited for the bureau the
    account belongs to, and rate-limited (``sanke.core.probes``).
    """
    # scope: usernames are unique platform-wide; check_unique_value decides what the clash may say
    holder = User.objects.filter(username__iexact=username).first()
    visible = holder is not None and User.objects.visible_to(acting_user).filter(pk=holder.pk).exists()
    placement = None
    if holder is not None and not visible:
        person = getattr(holder, "person", None)
        if person is not None and person.school_id:
            placement = person.audit_placement()
        else:
            where = user_placement(holder)
            placement = (where["region_code"], where["school"])
    check_unique_value(
        acting_user,
        holder=holder,
        visible=visible,
        taken_message=_("This username is taken."),
        neutral_message=USERNAME_REFUSED,
        audit_action="accounts.user.username_refused",
        audit_changes={"username": username},
        placement=placement,
    )


class CreateAccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.acting_user = user

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if self.acting_user is not None:
            check_username_free(username, self.acting_user)
        return username

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
        check_username_free(username, self.acting_user)
        return username

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data, never None
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
