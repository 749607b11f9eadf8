from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.accounts"
    label = "accounts"
    verbose_name = "账号安全"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .actions import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="jiefen.accounts.stamp_session")
