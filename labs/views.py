"""Labs: the list, a lab's page, checking and resetting its account."""

from django.shortcuts import render

from .models import Lab


def lab_list(request):
    labs = Lab.objects.filter(is_published=True)
    return render(request, "labs/lab_list.html", {"labs": labs})
