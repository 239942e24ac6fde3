from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "码上巡察"
