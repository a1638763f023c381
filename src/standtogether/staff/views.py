"""The staff area under /staff/. Sign-in only for now; case handling with MFA comes with the handling issue."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from standtogether.cases.models import Case


class StaffLoginView(LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Staff sign in")}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Counts only: no report content is shown until the policy-checked case screens exist.
    by_status = dict(Case.system.values_list("status").annotate(n=Count("id")))
    return render(request, "staff/home.html", {"title": _("Staff area"), "by_status": by_status})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("staff_login")
