"""Clients find the streaming server through the instance endpoints."""

from typing import Any

from django.test import Client


def test_instance_points_at_the_same_host_by_default(db: None, client: Client) -> None:
    v1 = client.get("/api/v1/instance").json()
    v2 = client.get("/api/v2/instance").json()
    assert v1["urls"]["streaming_api"] == "ws://testserver"
    assert v2["configuration"]["urls"]["streaming"] == "ws://testserver"


def test_instance_points_at_a_separate_streaming_server(
    db: None, client: Client, settings: Any
) -> None:
    settings.HEARTH_STREAMING_URL = "wss://streaming.example.org/"
    v1 = client.get("/api/v1/instance").json()
    v2 = client.get("/api/v2/instance").json()
    assert v1["urls"]["streaming_api"] == "wss://streaming.example.org"
    assert v2["configuration"]["urls"]["streaming"] == "wss://streaming.example.org"
