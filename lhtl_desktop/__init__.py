"""lhtl_desktop: record, merge and evaluate lifelong-learning services (QĐ 1520/QĐ-TTg), offline."""

__version__ = "0.1.0"
APP_NAME = "lhtl"
