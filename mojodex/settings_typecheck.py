"""The real settings for mypy's django-stubs plugin, which loads them with no environment.

Type checking serves nothing, so a throwaway key and the offline providers stand in for what
production must configure (``mojodex.guards`` would otherwise stop the plugin).
"""

import os

os.environ["SECRET_KEY"] = "typecheck-only-never-used-to-sign-anything-0123456789"
os.environ["MOJODEX_FAKE_PROVIDERS"] = "true"

from mojodex.settings import *  # noqa: F403
