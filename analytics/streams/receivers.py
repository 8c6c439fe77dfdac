"""Streams to fetch when sync announces new activities."""
