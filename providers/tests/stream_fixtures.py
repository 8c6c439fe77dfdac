"""Activity files for the stream tests, written with real encoders (fit-tool)."""

from datetime import UTC, datetime, timedelta

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.profile_type import FileType, Manufacturer

START = datetime(2026, 5, 3, 7, 30, tzinfo=UTC)


def fit_bytes(records, start=START):
    """A FIT activity file: one record message per (seconds, {field: value})."""
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.time_created = round(start.timestamp() * 1000)
    builder.add(file_id)
    for offset, fields in records:
        record = RecordMessage()
        record.timestamp = round((start + timedelta(seconds=offset)).timestamp() * 1000)
        for name, value in fields.items():
            setattr(record, name, value)
        builder.add(record)
    return builder.build().to_bytes()


def heart_rate_fit(beats=(120, 122, 125)):
    """A short FIT file with heart rate only, one record per second."""
    return fit_bytes([(t, {"heart_rate": bpm}) for t, bpm in enumerate(beats)])


def no_authorization(request):
    """responses matcher: the request carries no Authorization header."""
    present = "Authorization" in request.headers
    return not present, "an Authorization header was sent" if present else ""
