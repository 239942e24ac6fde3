from django.urls import path

from . import review_views, views

app_name = "findings"

urlpatterns = [
    path("problems/", views.ProblemList.as_view(), name="problem_list"),
    path("problems/<int:pk>/sign/<slug:step>/", views.problem_sign, name="problem_sign"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/return/", views.problem_return, name="problem_return"),
    path("problems/<int:pk>/withdraw/", views.problem_withdraw, name="problem_withdraw"),
    path("problems/<int:pk>/notice/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/complete/", views.notice_complete, name="notice_complete"),
    path("petitions/", views.PetitionList.as_view(), name="petition_list"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition_detail"),
    path("petition-attachments/<int:pk>/", views.petition_attachment, name="petition_attachment"),
    path("petitions/<int:pk>/withdraw/", views.petition_withdraw, name="petition_withdraw"),
    path("clues/", views.ClueList.as_view(), name="clue_list"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
    path("clues/<int:pk>/transfer/", views.clue_transfer, name="clue_transfer"),
    path("clues/<int:pk>/dispose/", views.clue_dispose, name="clue_dispose"),
    path("clues/<int:pk>/sanction/", views.clue_sanction, name="clue_sanction"),
    path("clues/<int:pk>/withdraw/", views.clue_withdraw, name="clue_withdraw"),
    path("common-problems/", views.CommonProblemList.as_view(), name="common_list"),
    path("common-problems/<int:pk>/", views.common_detail, name="common_detail"),
    path("inspections/<int:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("inspections/<int:pk>/petitions/new/", views.petition_create, name="petition_create"),
    path("inspections/<int:pk>/clues/new/", views.clue_create, name="clue_create"),
    path("problems/<int:pk>/review-notes/new/", review_views.review_note_add, name="review_note_add"),
    path("review-notes/<int:pk>/answer/", review_views.review_note_answer, name="review_note_answer"),
    path("review-notes/<int:pk>/clear/", review_views.review_note_clear, name="review_note_clear"),
    path("review-notes/mine/", review_views.MyReviewNoteList.as_view(), name="review_notes_mine"),
    path("review-notes/to-answer/", review_views.ToAnswerReviewNoteList.as_view(), name="review_notes_to_answer"),
    path("teams/<int:pk>/review-notes/", review_views.TeamReviewNoteList.as_view(), name="team_review_notes"),
    path("teams/<int:pk>/review-notes/summary/", review_views.team_review_summary, name="team_review_summary"),
]
