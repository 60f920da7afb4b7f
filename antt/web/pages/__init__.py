"""HTML pages: one module per page, each an ``APIRouter`` rendering a template from ``templates/``."""
