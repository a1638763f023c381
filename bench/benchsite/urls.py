"""The project's URLs plus the bare views. Error handlers are re-exported so error pages stay the same."""

from django.urls import path

from standtogether.urls import handler400, handler404, handler500  # noqa: F401 - read by Django here
from standtogether.urls import urlpatterns as project_urlpatterns

from .bare import bare_insert, bare_read

urlpatterns = [
    *project_urlpatterns,
    path("bench/bare-insert", bare_insert, name="bench_bare_insert"),
    path("bench/bare-read", bare_read, name="bench_bare_read"),
]
