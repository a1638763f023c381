from django.contrib import admin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "is_support_service", "receives_new_reports", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
