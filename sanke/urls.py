from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from sanke.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("sanke.accounts.urls")),
    path("org/", include("sanke.org.urls")),
    path("policy/", include("sanke.policy.urls")),
    # The policy pages were first named under "supervision:"; the old names keep resolving.
    path("policy/", include(("sanke.policy.urls", "supervision"), namespace="supervision")),
    path("alliances/", include("sanke.alliances.urls")),
    path("timetable/", include("sanke.timetable.urls")),
    path("live/", include("sanke.live.urls")),
    path("system/", include("sanke.core.urls")),
    path("api/v1/", include("sanke.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
