import os

from django.core.asgi import get_asgi_application

from reform_tracker.memory import freeze_startup_objects
from reform_tracker.security import refuse_insecure_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
application = get_asgi_application()
refuse_insecure_key()
freeze_startup_objects()
