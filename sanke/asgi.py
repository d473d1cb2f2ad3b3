"""ASGI entry point: HTTP through Django; WebSocket routes are added by the realtime apps."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from sanke.core.routing import websocket_urlpatterns as core_routes  # noqa: E402
from sanke.core.uploads import BodySizeLimit  # noqa: E402
from sanke.live.routing import websocket_urlpatterns as live_routes  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodySizeLimit(django_asgi_app),  # oversized bodies refused before Django spools them
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([*core_routes, *live_routes]))
        ),
    }
)
