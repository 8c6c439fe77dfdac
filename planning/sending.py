"""Provider calls for workout deliveries (being written: see planning/delivery.py)."""


def run_delivery(delivery_id):
    raise NotImplementedError
