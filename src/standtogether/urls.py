from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from standtogether.core import views as core_views
from standtogether.intake import accessibility
from standtogether.intake import views as intake_views
from standtogether.languages import views as language_views
from standtogether.partners import views as partner_views
from standtogether.staff import cases as staff_cases
from standtogether.staff import imports as staff_imports
from standtogether.staff import views as staff_views
from standtogether.staff import webauthn as staff_webauthn

handler400 = core_views.bad_request
handler404 = core_views.not_found
handler500 = core_views.server_error

# The settings admin demands a verified second factor like every staff page.
admin.site.__class__ = OTPAdminSite
admin.site.login = lambda request, extra_context=None: redirect_to_login(  # type: ignore[method-assign]
    request.get_full_path(), settings.LOGIN_URL
)
admin.site.site_header = "Stand Together: partnership settings"
admin.site.site_title = "Stand Together"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", staff_views.home, name="staff_home"),
    path("staff/login/", staff_views.login_view, name="staff_login"),
    path("staff/verify/", staff_views.verify, name="staff_verify"),
    path("staff/mfa/setup/", staff_views.mfa_setup, name="staff_mfa_setup"),
    path("staff/mfa/keys/", staff_views.security_keys, name="staff_security_keys"),
    path("staff/mfa/keys/<int:pk>/remove/", staff_views.remove_security_key, name="staff_remove_key"),
    path("staff/mfa/webauthn/", include((staff_webauthn.urlpatterns, staff_webauthn.app_name))),
    path("staff/logout/", staff_views.logout_view, name="staff_logout"),
    path("staff/settings/", admin.site.urls),
    path("staff/choose/", staff_views.choose_membership, name="staff_choose"),
    path("staff/cases/", staff_cases.queue, name="staff_queue"),
    path("staff/cases/<str:reference>/", staff_cases.detail, name="staff_case"),
    path("staff/cases/<str:reference>/assign/", staff_cases.assign, name="staff_assign"),
    path("staff/cases/<str:reference>/classify/", staff_cases.classify, name="staff_classify"),
    path("staff/cases/<str:reference>/contact/", staff_cases.contact, name="staff_contact"),
    path("staff/cases/<str:reference>/refer/", staff_cases.refer, name="staff_refer"),
    path("staff/cases/<str:reference>/reveal/", staff_cases.reveal, name="staff_reveal"),
    path("staff/cases/<str:reference>/close/", staff_cases.close, name="staff_close"),
    path("staff/cases/<str:reference>/risk/", staff_cases.assess, name="staff_risk"),
    path("staff/cases/<str:reference>/link/", staff_cases.link, name="staff_link"),
    path("staff/cases/<str:reference>/audit/", staff_cases.audit_trail, name="staff_audit"),
    path("staff/escalations/", staff_cases.escalations, name="staff_escalations"),
    path("staff/escalations/<int:pk>/", staff_cases.resolve, name="staff_resolve"),
    path("staff/referrals/", staff_cases.inbox, name="staff_inbox"),
    path("staff/referrals/<int:pk>/", staff_cases.respond, name="staff_respond"),
    path("staff/languages/", language_views.languages, name="staff_languages"),
    path("staff/import/", staff_imports.upload, name="staff_import"),
    path("staff/import/template.csv", staff_imports.template, name="staff_import_template"),
    path("staff/import/<uuid:uuid>/", staff_imports.review, name="staff_import_check"),
    path("staff/import/<uuid:uuid>/cancel/", staff_imports.cancel, name="staff_import_cancel"),
    path("staff/translate/", language_views.translate_index, name="staff_translate"),
    path("staff/translate/<slug:code>/", language_views.translate, name="staff_translate_language"),
    path("staff/translate/<slug:code>/download/", language_views.download, name="staff_translate_download"),
]

# Stable public URLs: posters and QR codes point at /<lang>/report/ and friends.
urlpatterns += i18n_patterns(
    path("", intake_views.home, name="home"),
    path("support/", intake_views.support, name="support"),
    path("accessibility/", accessibility.statement, name="accessibility"),
    path("centres/", partner_views.centres, name="centres"),
    path("diary/", include("standtogether.diary.urls")),
    path("", include("standtogether.intake.urls")),
    prefix_default_language=True,
)
