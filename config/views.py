from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """For a load balancer's health check (and the load benchmark's baseline): no database."""
    return HttpResponse("ok", content_type="text/plain")
