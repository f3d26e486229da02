"""WSGI entry point for gunicorn; DJANGO_SETTINGS_MODULE picks the service."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.posts")
application = get_wsgi_application()
