"""Activity files (FIT, GPX, TCX) read into providers.streams.StreamData.

One module per format, each a real parser (fitdecode, gpxpy, the standard library's
ElementTree): fit.parse_fit, gpx.parse_gpx, tcx.parse_tcx. A file that cannot be
read raises providers.errors.MalformedPayloadError; a readable file without a single
sample gives a StreamData whose `time_s` is empty (backends answer None for it).
"""

from .fit import parse_fit
from .gpx import parse_gpx
from .tcx import parse_tcx

__all__ = ["parse_fit", "parse_gpx", "parse_tcx"]
