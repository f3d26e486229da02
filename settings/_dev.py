"""Development overrides, applied on top of a service module by dev_posts / dev_followers.

Only these modules allow the ``dev`` identity mode; the production modules do not list it,
and hornet.apps refuses to start with a mode its settings module does not allow.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("HORNET_AUTH_MODE", "dev")
