from django.urls import path

from . import views

app_name = "diary"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("ready/", views.ready, name="ready"),
    path("guidance/", views.guidance, name="guidance"),
    path("lock/", views.lock, name="lock"),
    path("entries/", views.timeline_view, name="timeline"),
    path("entries/new/", views.add_entry, name="add_entry"),
    path("entries/<uuid:entry_uuid>/", views.entry, name="entry"),
    path("entries/<uuid:entry_uuid>/change/", views.change_entry, name="change_entry"),
    path("entries/<uuid:entry_uuid>/delete/", views.delete_entry, name="delete_entry"),
    path("entries/<uuid:entry_uuid>/add-to-report/", views.add_to_report, name="add_to_report"),
    path("entries/<uuid:entry_uuid>/files/<uuid:file_uuid>/", views.file_download, name="file"),
    path("export/", views.export_page, name="export"),
    path("export/diary.pdf", views.export_pdf, name="export_pdf"),
    path("export/diary.txt", views.export_text, name="export_text"),
    path("report/", views.report, name="report"),
    path("delete/", views.delete_diary, name="delete"),
]
