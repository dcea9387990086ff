# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small helpers of the Azure and GCP source hops."""

from __future__ import annotations


def last_segment(link: str | None) -> str:
    return (link or "").rstrip("/").rsplit("/", 1)[-1]


def props(body: dict | None) -> dict:
    return (body or {}).get("properties") or {}
