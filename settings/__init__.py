"""Settings: base.py plus one module per Deployment (posts, followers) and dev/test variants."""
