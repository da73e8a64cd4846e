"""Rate limits per client address for the pages anyone may open without logging in."""

import ipaddress
from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()))
    return any(address in network for network in _trusted(proxies))


def client_address(request: HttpRequest) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address the request came from, believing X-Forwarded-For only from TRUSTED_PROXIES.

    Each trusted proxy appends the address it was reached from, so the client is the last entry
    that is not itself a trusted proxy; what the client wrote further left is never believed.
    """
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return None
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while _is_trusted(address) and hops:
        try:
            address = ipaddress.ip_address(hops.pop().strip())
        except ValueError:
            break
    return address


def per_address(group: str, request: HttpRequest) -> str:
    """The rate-limit key: the client's address, or its /64 for IPv6 (one subscriber's range)."""
    address = client_address(request)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def limited_per_address(
    group: str, rate: Callable[[], str], methods: tuple[str, ...] | None = None
) -> Callable:
    """Answer 429 once an address has made more than `rate()` such requests in the window.

    `rate` is read on every request, so that settings changed at run time (and in tests) count.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if is_ratelimited(
                request,
                group=group,
                key=per_address,
                rate=lambda _group, _request: rate(),
                method=list(methods) if methods else is_ratelimited.ALL,
                increment=True,
            ):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
