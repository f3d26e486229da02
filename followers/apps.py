from django.apps import AppConfig


class FollowersConfig(AppConfig):
    name = "followers"

    def ready(self) -> None:
        from followers import db
        from hornet.error_handler import register_translator

        db.connect()  # configures neomodel with a driver; sockets open on first query
        register_translator(db.translate_error)
