"""Reading policy targets: the effective value of each target for a region, and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass

from sanke.policy.models import POLICY_FIELDS, Policy


@dataclass(frozen=True)
class PolicyValue:
    name: str
    label: str
    value: object
    source: str  # name of the region that set it, or the national baseline
    overridden_here: bool


@dataclass(frozen=True)
class EffectivePolicy:
    region: object
    values: dict[str, PolicyValue]

    def __getitem__(self, name: str):
        return self.values[name].value

    def __getattr__(self, name: str):
        if name in POLICY_FIELDS:
            return self.values[name].value
        raise AttributeError(name)


def effective_policy(region) -> EffectivePolicy:
    """Each target from the nearest region (this one, then up the tree) that sets it, else the baseline."""
    chain = [*region.ancestors(), region] if region is not None else []
    # scope: targets are public along the region chain of a region the caller already holds
    policies = {p.region_id: p for p in Policy.objects.filter(region__in=chain)}
    baseline = Policy.objects.filter(region__isnull=True).first() or Policy()  # scope: the national baseline
    values = {}
    for name in POLICY_FIELDS:
        field = Policy._meta.get_field(name)
        chosen, source = getattr(baseline, name), str(baseline)
        overridden = False
        for node in chain:  # root first, so later (nearer) regions win
            policy = policies.get(node.pk)
            if policy is not None and getattr(policy, name) is not None:
                chosen, source = getattr(policy, name), node.name
                overridden = node == region
        values[name] = PolicyValue(name, str(field.verbose_name), chosen, source, overridden)
    return EffectivePolicy(region, values)


def policy_of(region) -> Policy:
    """The region's own policy row (unsaved and empty if it sets nothing)."""
    return Policy.objects.filter(region=region).first() or Policy(region=region)  # scope: caller's region
