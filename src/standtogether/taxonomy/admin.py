from django.contrib import admin

from .models import Area, IncidentType, Marker, Setting, Strand


@admin.register(Strand, Marker, IncidentType, Area)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "code"]


@admin.register(Setting)
class SettingAdmin(TermAdmin):
    list_display = [*TermAdmin.list_display, "is_online"]
