from .views import appointments, notices, records, schedules, visits

app_name = "reception"

# Each page module keeps its own patterns.
urlpatterns = [
    *schedules.urlpatterns,
    *appointments.urlpatterns,
    *notices.urlpatterns,
    *records.urlpatterns,
    *visits.urlpatterns,
]
