from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.core.admin_site import admin_site
from apps.core.views import ApiDocsView

urlpatterns = [
    path("", include("apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("assignments/", include("apps.assignments.urls")),
    path("work/", include("apps.calling.urls")),
    path("appointments/", include("apps.appointments.urls")),
    path("notices/", include("apps.retention.urls")),
    path("portal/", include("apps.imports.urls")),
    path("hr/", include("apps.hr.urls")),
    # Before any "privacy/" include: the registers live under the privacy office's prefix.
    path("privacy/registers/", include("apps.registers.urls")),
    path("privacy/holds/", include("apps.privacy.urls_holds")),
    path("privacy/", include("apps.privacy.urls")),
    path("privacy/", include("apps.privacy.urls_casework")),
    path("admin/", admin_site.urls),
    path("api/v1/", include(("apps.core.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start script from this same URL (?script=) instead of inline:
    # the docs run under the same strict CSP as every page (R-SEC-2).
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

# R-JOB-1: PostgreSQL or Redis away answers 503, also when a middleware met it.
handler500 = "apps.core.views.server_error"
