import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class AddressRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per client address (see REST_FRAMEWORK["NUM_PROXIES"]).

    When the cache that counts is down (Redis unreachable), the request goes through: a rate
    limit protects the site, it is no reason to refuse every reader.
    """

    scope = "address"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError:
            logger.warning("API rate limit not applied: the cache is unreachable.", exc_info=True)
            return True
