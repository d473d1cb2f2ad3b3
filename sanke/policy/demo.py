"""The demo county's own policy targets: 淳安县 asks for 6 sync lessons a week per end, 浙江省 sets the
workload coefficient and the screen-time limit."""

from __future__ import annotations

from decimal import Decimal

from sanke.core.composition import DemoStep, DemoWorld, register_demo_step
from sanke.policy.actions import do_set_policy
from sanke.policy.selectors import policy_of


def build_policies(w: DemoWorld) -> None:
    zj, chunan = w.regions["330000"], w.regions["330127"]
    chunan_policy = policy_of(chunan)
    chunan_policy.weekly_sync_lessons_per_end = 6
    do_set_policy(chunan_policy, acting_user=None)
    zj_policy = policy_of(zj)
    zj_policy.workload_coefficient = Decimal("1.5")
    zj_policy.screen_time_limit_minutes = 20
    do_set_policy(zj_policy, acting_user=None)


def register() -> None:
    register_demo_step(DemoStep("policy", 20, build_policies))
