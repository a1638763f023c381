from django import forms
from django.contrib import admin

from . import centres
from .actions import set_membership_active
from .models import Agency, Membership, RelayRoute, ReportingCentre


class RelayRouteInline(admin.TabularInline):
    model = RelayRoute
    extra = 0


class ReportingCentreForm(forms.ModelForm):
    access = forms.MultipleChoiceField(
        choices=list(centres.ACCESS_FEATURES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ReportingCentre
        fields = [
            "active",
            "address",
            "postcode",
            "opening_times",
            "help_with",
            "translations",
            "languages",
            "access",
            "email",
            "location",
            "longitude",
            "latitude",
        ]


class ReportingCentreInline(admin.StackedInline):
    """The agency's reporting centre, listed on /<lang>/centres/ (opening times and help text per language
    in `translations`)."""

    model = ReportingCentre
    form = ReportingCentreForm
    extra = 0
    max_num = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "is_support_service", "receives_new_reports", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    inlines = [ReportingCentreInline, RelayRouteInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "job_title", "translator", "active"]
    list_filter = ["agency", "role", "translator", "active"]
    actions = ["disable"]

    @admin.action(description="Disable (ends all their sessions now)")
    def disable(self, request, queryset):
        for membership in queryset:
            set_membership_active(membership, False, by=f"user:{request.user.pk}")

    def save_model(self, request, obj, form, change):
        # Switching `active` off in the form goes through the action too, so sessions end.
        if change and "active" in form.changed_data:
            super().save_model(request, obj, form, change)
            set_membership_active(obj, obj.active, by=f"user:{request.user.pk}")
        else:
            super().save_model(request, obj, form, change)
