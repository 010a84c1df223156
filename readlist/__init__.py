"""readlist: a reading list built from daily arXiv paper digests."""

__version__ = "0.1.0"
