from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self) -> None:
        from hornet.error_handler import register_translator
        from posts import db

        db.connect()  # registers the client lazily; sockets open on first use, per worker
        register_translator(db.translate_error)
