from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and province data generator (`manage.py seed_demo`). It stands above every
    domain app and writes through their services and models; nothing imports it."""

    name = "demo"
    verbose_name = "演示数据"
