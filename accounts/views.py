import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .forms import (
    LoginForm,
    PasswordChangeCrispyForm,
    PasswordResetCrispyForm,
    SetPasswordCrispyForm,
    SignUpForm,
)
from .services import trainee_sign_up
from .throttle import Limit, client_address, rate_limit_hit


def _safe_next(request) -> str:
    """The ``next`` of the request when it points at this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return target
    return ""


def _go_on(next_url: str) -> HttpResponseRedirect:
    # Never redirect(next_url): it would take a bare word for a URL name.
    return HttpResponseRedirect(next_url or resolve_url("home"))


@require_http_methods(["GET", "POST"])
def sign_up(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return _go_on(next_url)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = trainee_sign_up(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data["email"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return _go_on(next_url)
    return render(request, "accounts/sign_up.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeCrispyForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _reset_limits(request, email: str) -> tuple[list[Limit], Limit]:
    """The limits of a reset request: per client address (answered with 429)
    and per email address (past it no mail goes out, and the page says the
    same as ever, so the limit tells nobody whether the address exists)."""
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    address = Limit(
        f"reset:client:{client_address(request)}",
        settings.PASSWORD_RESETS_PER_CLIENT,
        window,
    )
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    mailbox = Limit(f"reset:email:{digest}", settings.PASSWORD_RESETS_PER_EMAIL, window)
    return [address], mailbox


class PasswordResetView(auth_views.PasswordResetView):
    """Sends a reset link to the accounts with that address and a usable
    password (never to guests); the next page is the same whether or not one
    exists."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetCrispyForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        per_client, per_email = _reset_limits(self.request, form.cleaned_data["email"])
        wait = rate_limit_hit(per_client)
        if wait:
            minutes = -(-wait // 60)
            form.add_error(
                None,
                "Too many reset requests from your network. Try again in "
                f"{minutes} minute{'s' if minutes != 1 else ''}.",
            )
            response = self.render_to_response(
                self.get_context_data(form=form), status=429
            )
            response["Retry-After"] = str(wait)
            return response
        if rate_limit_hit([per_email]):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordCrispyForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
