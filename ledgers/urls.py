from .backlog import views as backlog
from .screening import views as screening

app_name = "ledgers"

# Each ledger's pages module keeps its own patterns.
urlpatterns = [
    *screening.urlpatterns,
    *backlog.urlpatterns,
]
