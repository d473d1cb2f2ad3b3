from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from sanke.alliances import urls as alliance_urls
from sanke.site import views as site_views
from sanke.timetable.urls import alliance_urlpatterns

urlpatterns = [
    path("", site_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("sanke.accounts.urls")),
    path("org/", include("sanke.org.urls")),
    path("policy/", include("sanke.policy.urls")),
    # The policy pages were first named under "supervision:"; the old names keep resolving.
    path("policy/", include(("sanke.policy.urls", "supervision"), namespace="supervision")),
    # the alliances namespace: alliances' own pages and timetable's series and scheduling pages of an alliance
    path("alliances/", include(([*alliance_urls.urlpatterns, *alliance_urlpatterns], "alliances"))),
    path("timetable/", include("sanke.timetable.urls")),
    path("live/", include("sanke.live.urls")),
    path("recordings/", include("sanke.recordings.urls")),
    # tus (resumable uploads) needs PATCH and DELETE, which only /api/ paths take (core/methods.py)
    path("api/uploads/recordings/", include("sanke.recordings.upload_urls")),
    path("dashboard/", include("sanke.supervision.urls")),
    path("system/", include("sanke.core.urls")),
    path("api/v1/", include("sanke.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
