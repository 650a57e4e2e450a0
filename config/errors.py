"""The site's error pages for 400, 403 and 404.

Django's own views for these run the CSRF check again (``requires_csrf_token``),
and that check reads ``request.POST``. When reading the body was the error (a
form sent in a charset other than UTF-8, too many fields), the page itself then
failed, and the client got the server's bare 500 without the site's headers.
These render the same templates without that second check; ``{% csrf_token %}``
still works on them (the token is made on demand).
"""

from django.shortcuts import render


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)
