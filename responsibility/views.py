from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from . import selectors
from .forms import CompareForm, ServiceFilterForm
from .models import Duty, Guide, Service, ServiceCategory


def home(request):
    categories = selectors.categories_with_counts()
    return render(request, "responsibility/home.html", {"categories": categories})


def matrix(request):
    # Built only when the cached table has to be rendered again.
    matrix = SimpleLazyObject(selectors.matrix)
    return render(request, "responsibility/matrix.html", {"matrix": matrix})


def duty_detail(request, category_slug: str, area_slug: str):
    duty = get_object_or_404(
        Duty.objects.select_related("category", "area"),
        category__slug=category_slug,
        area__slug=area_slug,
    )
    template = (
        "includes/duty_panel.html"
        if request.htmx
        else "responsibility/duty_detail.html"
    )
    return render(request, template, {"duty": duty})


def category_detail(request, slug: str):
    category = get_object_or_404(ServiceCategory, slug=slug)
    duties = category.duties.select_related("area")
    services = category.services.all()
    return render(
        request,
        "responsibility/category_detail.html",
        {"category": category, "duties": duties, "services": services},
    )


def service_list(request):
    form = ServiceFilterForm(request.GET or None)
    if form.is_valid():
        category = form.cleaned_data["category"]
        services = selectors.search_services(
            query=form.cleaned_data["q"].strip(),
            category=category.slug if category else "",
        )
    else:
        services = selectors.search_services()
        if form.is_bound:
            services = services.none()
    return render(
        request,
        "responsibility/service_list.html",
        {"form": form, "services": services},
    )


def service_detail(request, slug: str):
    service = get_object_or_404(Service.objects.select_related("category"), slug=slug)
    rows = selectors.service_duties(service)
    others = Service.objects.exclude(pk=service.pk).only("slug", "short_name")
    return render(
        request,
        "responsibility/service_detail.html",
        {"service": service, "rows": rows, "others": others},
    )


def compare(request):
    form = CompareForm(request.GET or None)
    comparison = None
    if form.is_valid():
        comparison = selectors.compare_services(
            form.cleaned_data["first"], form.cleaned_data["second"]
        )
    return render(
        request, "responsibility/compare.html", {"form": form, "comparison": comparison}
    )


def guide_list(request):
    return render(
        request, "responsibility/guide_list.html", {"guides": Guide.objects.all()}
    )


def guide_detail(request, slug: str):
    guide = get_object_or_404(Guide, slug=slug)
    siblings = list(Guide.objects.only("slug", "title", "order"))
    index = next(i for i, g in enumerate(siblings) if g.pk == guide.pk)
    return render(
        request,
        "responsibility/guide_detail.html",
        {
            "guide": guide,
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
    )
