"""A JSON serialization format for backups that keeps datetimes exact.

Django's JSON encoder cuts a datetime to milliseconds; a backup must give back
what it was given (a submission's time decides its order among others). This
format writes ISO 8601 with every microsecond and reads as Django's ``json``
does. Registered as ``exactjson`` in ``SERIALIZATION_MODULES``.
"""

import datetime

from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]

Deserializer = JSONDeserializer


class ExactEncoder(DjangoJSONEncoder):
    """``DjangoJSONEncoder`` with times to the microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return (
                text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
            )
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
