from django.urls import path

from . import reading, views

app_name = "intake"

urlpatterns = [
    path("support/print/<slug:kind>.pdf", views.printed_material, name="printed"),
    path("report/", views.start, name="start"),
    path("report/check/", views.check, name="check"),
    path("report/sent/", views.confirmation, name="confirmation"),
    path("report/save/", views.save_later, name="save_later"),
    path("report/continue/", views.resume, name="resume"),
    path("report/<slug:slug>/", views.step, name="step"),
    path("reading/<slug:mode>/", reading.switch, name="reading"),
    path("track/", views.track, name="track"),
    path("track/report/", views.track_status, name="track_status"),
    path("track/add/", views.track_add, name="track_add"),
    path("track/stop/", views.track_stop, name="track_stop"),
    path("track/contact-me/", views.track_contact_me, name="track_contact_me"),
    path("track/concern/", views.track_concern, name="track_concern"),
    path("track/stop-sharing/", views.track_withdraw_consent, name="track_withdraw_consent"),
]
