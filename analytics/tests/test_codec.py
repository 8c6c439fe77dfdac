import math

from analytics.streams import codec

HOURS = 4


def ride(seconds):
    return {
        "time_s": [float(t) for t in range(seconds)],
        "distance_m": [t * 8.25 for t in range(seconds)],
        "latitude": [48.85 + math.sin(t / 500) / 100 for t in range(seconds)],
        "longitude": [2.35 + math.cos(t / 500) / 100 for t in range(seconds)],
        "altitude_m": [100 + 20 * math.sin(t / 300) for t in range(seconds)],
        "heartrate_bpm": [140 + round(10 * math.sin(t / 60)) for t in range(seconds)],
        "speed_m_s": [8.25 + math.sin(t) / 10 for t in range(seconds)],
        "cadence_rpm": [90 + t % 5 for t in range(seconds)],
        "power_w": [200 + (t * 37) % 90 for t in range(seconds)],
    }


def test_channels_come_back_at_their_sensors_precision():
    channels = ride(600)
    channels["heartrate_bpm"][5] = None  # a dropped sample
    back = codec.decode(codec.encode(channels))
    assert back["heartrate_bpm"][5] is None
    assert back["heartrate_bpm"][6] == channels["heartrate_bpm"][6]
    for name, values in channels.items():
        scale = codec.SCALE[name]
        for ours, theirs in zip(back[name], values, strict=True):
            if theirs is not None:
                assert abs(ours - theirs) <= 0.5 / scale + 1e-9


def test_a_four_hour_ride_at_one_hertz_stays_far_below_a_megabyte():
    assert len(codec.encode(ride(HOURS * 3600))) < 200_000


def test_downsampling_keeps_the_first_and_last_samples():
    low = codec.downsample(ride(10_000), points=100)
    assert len(low["time_s"]) in (100, 101)
    assert low["time_s"][0] == 0.0
    assert low["time_s"][-1] == 9999.0


def test_a_short_series_is_not_downsampled():
    assert codec.downsample(ride(50))["time_s"] == ride(50)["time_s"]
