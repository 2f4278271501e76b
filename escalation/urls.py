from . import panel
from .consultations import views as consultations
from .joint import views as joint
from .notices import views as notices
from .ranking import views as ranking

app_name = "escalation"

# Each feature's pages module keeps its own patterns.
urlpatterns = [
    *panel.urlpatterns,
    *notices.urlpatterns,
    *joint.urlpatterns,
    *consultations.urlpatterns,
    *ranking.urlpatterns,
]
