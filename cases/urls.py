from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("practices/", views.practice_list, name="practice-list"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice-detail"),
    path("cities/", views.city_list, name="city-list"),
    path("cities/<slug:slug>/", views.city_detail, name="city-detail"),
    path("events/", views.event_list, name="event-list"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("peers/", views.peer_finder, name="peer-finder"),
    path("people/", views.person_list, name="person-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("map/", views.city_map, name="map"),
]

# The challenge pages join challenges to practices, so they live here: the challenges app
# knows nothing of cases. citylearn/urls.py mounts these under /challenges/ as "challenges:".
challenge_patterns = (
    [
        path("", views.challenge_list, name="challenge-list"),
        # Before the challenge pages: "open" is the one slug a challenge cannot take.
        path("open/", views.open_challenge_list, name="open-challenge-list"),
        path("<slug:slug>/", views.challenge_detail, name="challenge-detail"),
    ],
    "challenges",
)
