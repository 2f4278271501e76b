from .views import consultations, joint, notices, rankings

app_name = "escalation"

# Each page module keeps its own patterns (one module per mechanism).
urlpatterns = [
    *notices.urlpatterns,
    *joint.urlpatterns,
    *consultations.urlpatterns,
    *rankings.urlpatterns,
]
