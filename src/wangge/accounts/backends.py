"""Authentication backends of our own (the password check itself is Django's ModelBackend)."""

from django.core.exceptions import PermissionDenied

from wangge.audit.context import client_ip
from wangge.core.throttle import Throttle

# Axes locks one username at one address after a few failures; password spraying tries one
# password on many usernames and never trips that.  This counts failures per address across
# usernames (accounts.signals counts them) and holds the whole address off.
LOGIN_FAILURES = Throttle("login-address", "WANGGE_THROTTLE_LOGIN_ADDRESS")


class AddressThrottleBackend:
    """Refuses every login attempt from an address with too many recent failures.

    Deliberately not a BaseBackend: without ``get_user`` it never holds a session, and
    ``Client.force_login`` keeps picking ModelBackend.

    Listed after Axes's backend and before ModelBackend.  Marking the request as locked out makes
    AxesMiddleware answer with the lockout page and status 429, on our login page and the admin's.
    """

    def authenticate(self, request, **credentials):
        if request is not None and LOGIN_FAILURES.exhausted(client_ip(request)):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            raise PermissionDenied
        return None
