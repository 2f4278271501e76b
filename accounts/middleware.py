class ChineseByDefaultMiddleware:
    """The interface is Simplified Chinese unless the user picked another language with the
    switch (language cookie): the browser's Accept-Language is not consulted, because the
    offices' machines often run with English system locales."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
