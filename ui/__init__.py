"""The PySide6 desktop program. It depends on workbench/, never the reverse."""
