"""What notifications adds to the site: the newest notices on a staff member's home page."""

from sanke.core.composition import HomeContext, HomePart, register_home_part
from sanke.notifications.selectors import notifications_for


def home(home: HomeContext) -> dict | None:
    return {"notifications": notifications_for(home.user)} if home.scope.is_staff_role else None


def register() -> None:
    register_home_part(HomePart("notifications", 20, home))
