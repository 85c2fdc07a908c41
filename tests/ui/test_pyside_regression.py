"""Regression guard for the PySide6 pin: void Qt calls must not drain None's reference count."""

import sys

from PySide6.QtGui import QTextCursor, QTextDocument


def test_void_qt_calls_keep_none_refcount(qapp):
    """PySide6 6.12.0 decremented None's refcount on void calls; 20,000 calls would crash 3.11."""
    document = QTextDocument("x" * 100)
    cursor = QTextCursor(document)
    before = sys.getrefcount(None)
    for i in range(20_000):
        cursor.setPosition(i % 100)
    after = sys.getrefcount(None)
    assert after >= before - 50, f"None lost {before - after} references over 20,000 void calls"
