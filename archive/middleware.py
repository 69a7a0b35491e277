"""The site's middleware: the interface language is the user's choice (a cookie), never the
browser's; a request Django refuses to read, and an address no view answers, get the site's
page."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Activate the language chosen with the switch (set_language's cookie), else LANGUAGE_CODE.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which would show
    English to staff whose browsers happen to be set to English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = self.supported_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response

    def supported_variant(self, chosen):
        """Return the language of a cookie: set_language stores any variant Django knows
        («en-us», «EN»), which was ignored, the page left in Vietnamese."""
        if chosen in self.supported:
            return chosen
        try:
            variant = translation.get_supported_language_variant((chosen or "").lower())
        except LookupError:
            return settings.LANGUAGE_CODE
        return variant if variant in self.supported else settings.LANGUAGE_CODE


class RefusedRequestMiddleware:
    """Answer a request Django refuses to read (too many parameters, files, or too big a body)
    with the site's 400 page, with DEBUG on too.

    Without DEBUG, handler400 (views.bad_request) answers. With it, as `make run` serves the
    demo, Django's technical page read the parameters again and failed: a GET of 1,001
    parameters was a bare 500. The parameters are read here, where the request meets the site:
    later a view or the CSRF check would read them the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.GET  # noqa: B018 (parsed here, once: a cached property)
            if request.method == "POST":
                request.POST  # noqa: B018
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as error:
            from .views import bad_request  # views import the models: not at start-up

            # The page's language switch posts a CSRF token: its cookie set as the CSRF
            # middleware, which this answer never reaches, would have (the switch was a 403).
            csrf = CsrfViewMiddleware(self.get_response)
            csrf.process_request(request)
            return csrf.process_response(request, bad_request(request, error))
        return self.get_response(request)


class SiteNotFoundMiddleware:
    """Answer an address no view answers with the site's 404 page, with DEBUG on too.

    Without DEBUG, handler404 (views.not_found) answers. With it, as `make run` serves the demo,
    Django showed its technical page, in English, listing every route of the site («/van-ban/»,
    cut back from a document's address, or «/muc-tieu/abc/»). An address that resolved keeps
    its view's answer; a missing slash is still added (CommonMiddleware, outside this one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            from .views import not_found  # views import the models: not at start-up

            return not_found(request, None)
        return response
