from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.clocks"
    label = "clocks"
    verbose_name = _("法定期限与节假日")
