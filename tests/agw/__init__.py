"""Tests of the IMS-AGW (imsalg.agw) against real sockets and independent TLS peers."""
