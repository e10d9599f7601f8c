import os

from django.core.wsgi import get_wsgi_application

from reform_tracker.memory import freeze_startup_objects
from reform_tracker.security import refuse_insecure_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
application = get_wsgi_application()
refuse_insecure_key()
freeze_startup_objects()
