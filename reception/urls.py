from . import panel
from .appointments import views as appointments
from .notices import views as notices
from .numbers import views as numbers
from .records import views as records
from .schedules import views as schedules
from .visits import views as visits

app_name = "reception"

# Each feature's pages module keeps its own patterns.
urlpatterns = [
    *schedules.urlpatterns,
    *panel.urlpatterns,
    *appointments.urlpatterns,
    *notices.urlpatterns,
    *records.urlpatterns,
    *numbers.urlpatterns,
    *visits.urlpatterns,
]
