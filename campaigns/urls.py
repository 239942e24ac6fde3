from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("inspections/", views.InspectionList.as_view(), name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("organizations/", views.OrganizationList.as_view(), name="organization_list"),
    path("terms/", views.TermList.as_view(), name="term_list"),
    path("rounds/", views.RoundList.as_view(), name="round_list"),
    path("teams/", views.TeamList.as_view(), name="team_list"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/check/", views.team_member_check, name="team_member_check"),
    path("teams/<int:pk>/members/", views.team_member_add, name="team_member_add"),
    path("people/", views.PersonList.as_view(), name="person_list"),
]
