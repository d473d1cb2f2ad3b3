"""Login, password change, role grants and login accounts for people."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sanke.accounts import actions
from sanke.accounts.choices import Role
from sanke.accounts.forms import CreateAccountForm, GrantRoleForm, LoginForm, NewAccountForm
from sanke.accounts.models import RoleAssignment, User
from sanke.accounts.selectors import accounts_managed_by, locked_usernames
from sanke.core import throttle
from sanke.core.access import access_object, require
from sanke.core.middleware import client_ip
from sanke.core.pages import list_page
from sanke.core.params import query_text
from sanke.core.redirects import local_next
from sanke.core.scoping import scope_for
from sanke.org.choices import PersonKind
from sanke.org.models import Classroom, Person


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_password(
                request.user, form.cleaned_data["new_password1"], acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Change password"),
            "intro": _(
                "Choose a password of at least 8 characters that mixes at least three of: lower-case "
                "letters, upper-case letters, digits and symbols."
            ),
        },
    )


@login_required
def role_list(request):
    scope = scope_for(request.user)
    require(scope.is_admin)
    grants = (
        RoleAssignment.objects.visible_to(request.user)
        .select_related("user", "region", "school", "classroom__school", "granted_by")
        .order_by("user__username", "role")
    )
    role = request.GET.get("role")
    if role in Role.values:
        grants = grants.filter(role=role)
    text = query_text(request, "q")
    if text:
        grants = grants.filter(user__username__icontains=text) | grants.filter(
            user__display_name__icontains=text
        )
    return list_page(
        request, "accounts/role_list.html", grants, roles=Role.choices, current_role=role or "", q=text
    )


@login_required
def role_grant(request):
    require(scope_for(request.user).is_admin)
    form = GrantRoleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_grant_role(
                form.target_user,
                data["role"],
                region=data["region"],
                school=data["school"],
                classroom=data["classroom"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:role_list")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Grant a role"), "back_url": reverse("accounts:role_list")},
    )


def _add_errors(form, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form: by field where the field exists, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def account_create(request):
    require(scope_for(request.user).is_admin)
    form = NewAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_open_account(
                username=data["username"],
                password=data["password1"],
                display_name=data["display_name"],
                role=data["role"],
                region=data["region"],
                school=data["school"],
                classroom=data["classroom"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Account created. The new user must change the password at first login.")
            )
            return redirect("accounts:role_list")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("New account"),
            "back_url": reverse("accounts:role_list"),
            "intro": _(
                "For colleagues who are not in a school's people list (bureau staff, researchers, "
                "classroom terminals). Teachers and students get their login from their person page."
            ),
        },
    )


@login_required
def account_list(request):
    """The accounts an admin looks after: lock state, last login, and the unlock/reset/disable actions."""
    require(scope_for(request.user).is_admin)
    accounts = (
        accounts_managed_by(request.user)
        .select_related("person__school__region")
        .prefetch_related(
            "role_assignments__region",
            "role_assignments__school__region",
            "role_assignments__classroom__school__region",
        )
        .order_by("username")
    )
    text = query_text(request, "q")
    if text:
        accounts = accounts.filter(Q(username__icontains=text) | Q(display_name__icontains=text))
    locked: set[str] = set()  # filled for the page shown, once it is known
    return list_page(
        request,
        "accounts/account_list.html",
        accounts,
        on_page=lambda page: locked.update(locked_usernames(user.username for user in page.object_list)),
        locked=locked,
        q=text,
    )


ACCOUNT_ACTIONS = {"unlock", "reset_password", "disable", "enable"}
ONE_TIME_PASSWORD_KEY = "sanke:one-time-password"


@login_required
@require_POST
def account_action(request, pk):
    user = access_object(
        User, request.user, pk, allowed=lambda scope, target: actions.can_manage_account(request.user, target)
    )
    action = request.POST.get("action")
    if action not in ACCOUNT_ACTIONS:
        raise Http404
    if action == "unlock":
        actions.do_unlock_account(user, acting_user=request.user)
        messages.success(request, _("%(user)s can log in again.") % {"user": user.username})
    elif action == "reset_password":
        temporary = actions.do_reset_password(user, acting_user=request.user)
        # Kept in the server-side session until the next page shows it once; never in a message, which
        # travels in a signed (not encrypted) cookie.
        request.session[ONE_TIME_PASSWORD_KEY] = {
            "username": user.username,
            "display_name": user.display_name,
            "password": temporary,
        }
        return redirect("accounts:one_time_password")
    else:
        actions.do_set_account_active(user, action == "enable", acting_user=request.user)
        messages.success(request, _("Account %(user)s updated.") % {"user": user.username})
    return redirect("accounts:account_list")


@login_required
@never_cache
def one_time_password(request):
    """Show the password of the reset just made, once: it is taken out of the session as it is shown."""
    require(scope_for(request.user).is_admin)
    shown = request.session.pop(ONE_TIME_PASSWORD_KEY, None)
    return render(request, "accounts/one_time_password.html", {"shown": shown})


@login_required
@require_POST
def role_revoke(request, pk):
    assignment = access_object(
        RoleAssignment, request.user, pk, allowed=lambda scope, grant: actions.can_grant(request.user, grant)
    )
    actions.do_revoke_role(assignment, acting_user=request.user)
    messages.success(request, _("Role revoked."))
    return redirect(local_next(request, reverse("accounts:role_list")))


# Keyed by the stored kind value (``Person.kind`` is a plain str; PersonKind members equal it).
DEFAULT_ROLE: dict[str, Role] = {
    PersonKind.TEACHER: Role.TEACHER,
    PersonKind.STUDENT: Role.STUDENT,
    PersonKind.GUARDIAN: Role.GUARDIAN,
}


@login_required
def person_account(request, person_pk):
    """Open a login for a person; teachers, students and guardians get their school role with it."""
    person = access_object(
        Person,
        request.user,
        person_pk,
        allowed=lambda s, p: p.school_id is not None and s.can_manage_school(p.school),
    )
    if person.user_id:
        messages.info(request, _("This person already has a login account."))
        return redirect("org:person_detail", pk=person.pk)
    form = CreateAccountForm(
        request.POST or None, initial={"username": person.number or ""}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_create_account(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                person=person,
                acting_user=request.user,
            )
            if person.kind in DEFAULT_ROLE:
                actions.do_grant_role(
                    user, DEFAULT_ROLE[person.kind], school=person.school, acting_user=request.user
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Login account created. The person must change the password at first login.")
            )
            return redirect("org:person_detail", pk=person.pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Login account for %(name)s") % {"name": person.name},
            "back_url": reverse("org:person_detail", args=[person.pk]),
        },
    )


PAIR_FAILURE_LIMIT = 10
PAIR_BLOCK = dt.timedelta(minutes=15)
TERMINAL_SESSION_SECONDS = 180 * 24 * 3600  # a classroom PC stays paired for a term; unpair by disabling


@login_required
@require_POST
def pairing_create(request, classroom_pk):
    """The school admin's side: a six-digit code to type once on the classroom's big-screen PC."""
    classroom = access_object(
        Classroom, request.user, classroom_pk, allowed=lambda scope, c: scope.can_manage_school(c.school)
    )
    code = actions.do_create_pairing_code(classroom, acting_user=request.user)
    return render(
        request,
        "accounts/pairing_code.html",
        {
            "classroom": classroom,
            "code": code,
            "minutes": actions.PAIRING_MINUTES,
            "pair_url": request.build_absolute_uri(reverse("accounts:pair")),
        },
    )


def pair_terminal(request):
    """The terminal's side (no login): type the code once; the PC stays logged in as the classroom.

    Every guess from an address reserves one of its ``PAIR_FAILURE_LIMIT`` attempts in the database before
    the code is looked at, and a code that works gives its attempt back: so the count is shared by every
    server process, and parallel guesses cannot slip past the limit between a check and a count.
    """
    address = client_ip(request) or "unknown"
    attempts_key = f"pair-failures:{address}"
    error = ""
    if request.method == "POST":
        if not throttle.reserve(attempts_key, limit=PAIR_FAILURE_LIMIT, window=PAIR_BLOCK):
            error = _("Too many wrong codes from this computer. Wait 15 minutes and ask for a new code.")
        else:
            user = actions.do_pair_terminal(request.POST.get("code", ""))
            if user is not None:
                throttle.release(attempts_key)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                request.session.set_expiry(TERMINAL_SESSION_SECONDS)
                return redirect("home")
            error = _("This code is wrong, used or expired. Ask the school administrator for a new one.")
    return render(request, "accounts/pair.html", {"error": error})
