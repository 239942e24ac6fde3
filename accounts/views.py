from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    assignments = request.user.active_assignments()
    return render(request, "accounts/home.html", {"assignments": assignments})
