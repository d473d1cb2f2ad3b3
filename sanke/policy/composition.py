"""What policy adds to the site: the policy-targets menu and its audit label."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_actions, register_audit_labels, register_nav


def register() -> None:
    register_nav(
        NavEntry(
            "policy",
            _("Policy targets"),
            "ti-target",
            "policy:policy_list",
            50,
            lambda scope: scope.is_staff_role,
            namespaces=("policy", "supervision"),
            url_prefixes=("policy",),
        )
    )
    # the policy action kept the name it was first audited under
    register_audit_labels(40, ("supervision.policy", _("Policy changes")))
    # its details are the Policy's own fields: the audit log reads them by the model's field names
    register_audit_actions({"supervision.policy.updated": _("Policy targets changed")})
