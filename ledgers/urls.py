from .backlog import views as backlog
from .screening import views as screening
from .suggestions import views as suggestions
from .targets import views as targets
from .urgent import views as urgent

app_name = "ledgers"

# Each ledger's pages module keeps its own patterns.
urlpatterns = [
    *screening.urlpatterns,
    *urgent.urlpatterns,
    *backlog.urlpatterns,
    *targets.urlpatterns,
    *suggestions.urlpatterns,
]
