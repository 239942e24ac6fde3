from django.urls import path

from xuncha.actions import step_paths

from . import review_views, views
from .steps import STEPS

app_name = "findings"

urlpatterns = [
    *step_paths(STEPS),
    path("problems/", views.ProblemList.as_view(), name="problem_list"),
    path("problems/<int:pk>/sign/<slug:step>/", views.problem_sign, name="problem_sign"),
    path("petitions/", views.PetitionList.as_view(), name="petition_list"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition_detail"),
    path("petition-attachments/<int:pk>/", views.petition_attachment, name="petition_attachment"),
    path("clues/", views.ClueList.as_view(), name="clue_list"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
    path("common-problems/", views.CommonProblemList.as_view(), name="common_list"),
    path("common-problems/<int:pk>/", views.common_detail, name="common_detail"),
    path("problems/<int:pk>/review-notes/new/", review_views.review_note_add, name="review_note_add"),
    path("review-notes/<int:pk>/answer/", review_views.review_note_answer, name="review_note_answer"),
    path("review-notes/<int:pk>/clear/", review_views.review_note_clear, name="review_note_clear"),
    path("review-notes/mine/", review_views.MyReviewNoteList.as_view(), name="review_notes_mine"),
    path("review-notes/to-answer/", review_views.ToAnswerReviewNoteList.as_view(), name="review_notes_to_answer"),
    path("teams/<int:pk>/review-notes/", review_views.TeamReviewNoteList.as_view(), name="team_review_notes"),
    path("teams/<int:pk>/review-notes/summary/", review_views.team_review_summary, name="team_review_summary"),
]
